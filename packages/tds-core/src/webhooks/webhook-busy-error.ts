import { WebhookRejectedError } from './webhook-rejected-error';

/**
 * A delivery refused with 503 because TDS cannot store it now: `intake_busy` when too much
 * already waits for the database (refused before any write), `database_unavailable` when its
 * write failed for want of a database (rolled back; if the commit did land before the
 * connection died, Zoho's retry is answered as a duplicate). Retrying after
 * `retryAfterSeconds` is expected to succeed.
 */
export class WebhookBusyError extends WebhookRejectedError {
  readonly retryAfterSeconds: number;
  constructor(code: 'intake_busy' | 'database_unavailable', message: string, retryAfterSeconds: number) {
    super(503, code, message);
    this.name = 'WebhookBusyError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
