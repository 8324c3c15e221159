/** A problem answered by the TDS API (`{ error: { status, code, message } }`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** The token was missing or refused: the operator has to sign in again. */
  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export async function apiErrorOf(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
  const message = typeof error?.message === 'string' ? error.message : `The server answered ${res.status} ${res.statusText}`.trim();
  return new ApiError(res.status, code, message);
}
