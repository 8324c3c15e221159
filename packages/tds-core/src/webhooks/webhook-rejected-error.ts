/** A delivery refused before anything was stored; `status` is the HTTP answer (400/401/404/413/415/422). */
export class WebhookRejectedError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'WebhookRejectedError';
    this.status = status;
    this.code = code;
  }
}
