/** Base class of every error this client throws; messages never carry tokens or secrets. */
export class ZohoError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable;
  }
}

/** An HTTP or envelope error returned by a Zoho API. */
export class ZohoApiError extends ZohoError {
  readonly status: number;
  readonly code: number | undefined;
  readonly endpoint: string;
  /** The message as Zoho (or the client) worded it, without the status/endpoint prefix. */
  readonly detail: string;
  /** From a 429's `Retry-After` header, when Zoho sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(args: {
    status: number;
    code?: number;
    message: string;
    endpoint: string;
    retryable: boolean;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(`Zoho API ${args.status}${args.code === undefined ? '' : ` (code ${args.code})`} on ${args.endpoint}: ${args.message}`, args);
    this.status = args.status;
    this.code = args.code;
    this.endpoint = args.endpoint;
    this.detail = args.message;
    this.retryAfterMs = args.retryAfterMs;
  }
}

/**
 * A streamed answer failed in a way a retry could cure (connection lost, timeout, a truncated or
 * malformed body, a 5xx-like error) after part of it was handed to the caller. The client does not
 * retry it, because the caller holds a partial answer: the caller drops what it got and asks again
 * (retryable). `cause` is the failure as the client reports it when nothing was handed out yet.
 */
export class ZohoStreamBrokenError extends ZohoError {
  readonly endpoint: string;
  constructor(endpoint: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Zoho answer from ${endpoint} broke off after part of it was handed over: ${why}`, { retryable: true, cause });
    this.endpoint = endpoint;
  }
}

/** The refresh token was refused (revoked, invalid or the client is wrong): a person must re-authorize. */
export class ZohoAuthError extends ZohoError {
  readonly reason: string;
  constructor(reason: string, message: string, options: { retryable?: boolean } = {}) {
    super(message, { retryable: options.retryable ?? false });
    this.reason = reason;
  }
}

/** A record did not match its schema; carries the record id so one record can be dead-lettered. */
export class ZohoValidationError extends ZohoError {
  readonly entity: string;
  readonly recordId: string | undefined;
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  /** The record as Zoho sent it, so the caller can dead-letter it as is. */
  readonly raw: unknown;
  constructor(
    entity: string,
    recordId: string | undefined,
    issues: ReadonlyArray<{ path: string; message: string }>,
    raw?: unknown,
  ) {
    const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    super(`Invalid Zoho ${entity}${recordId ? ` ${recordId}` : ''}: ${summary}`, { retryable: false });
    this.entity = entity;
    this.recordId = recordId;
    this.issues = issues;
    this.raw = raw;
  }
}

/** A write (non-GET) was attempted on a client created read-only. */
export class ZohoWriteBlockedError extends ZohoError {
  constructor(method: string, path: string) {
    super(`Refusing ${method} ${path}: this Zoho client is read-only (create it with allowWrites: true to write)`, { retryable: false });
  }
}

/** The daily API quota is spent and the client was configured to fail fast rather than wait. */
export class ZohoQuotaExhaustedError extends ZohoError {
  readonly resetAt: Date;
  constructor(resetAt: Date) {
    super(`Zoho daily API quota exhausted; it resets at ${resetAt.toISOString()}`, { retryable: true });
    this.resetAt = resetAt;
  }
}

/** The client options are unusable (unknown data centre, missing organization id or credentials, ...). */
export class ZohoConfigError extends ZohoError {
  constructor(message: string) {
    super(message, { retryable: false });
  }
}

/** A webhook delivery that cannot be accepted; `status` is the HTTP status an adapter should answer with. */
export class ZohoWebhookError extends ZohoError {
  readonly status: 400 | 415 | 422;
  constructor(status: 400 | 415 | 422, message: string) {
    super(message, { retryable: false });
    this.status = status;
  }
}

/**
 * What an aborted call was doing when its signal fired. 'waiting': it had not reached Zoho (a wait
 * for a rate-limit slot, a 429 pause, a retry backoff, the daily quota or a token), so Zoho was never
 * asked this time. 'in-flight': an HTTP request was sent and Zoho had not answered it yet.
 */
export type ZohoAbortPhase = 'waiting' | 'in-flight';

/**
 * The caller's AbortSignal fired (a handler deadline, a stopping worker): the call stopped waiting
 * and its HTTP request, if one was in flight, was cancelled. Retryable: nothing was decided.
 * `phase` tells a wait from an unanswered request; `inFlightMs` is how long Zoho had that request (0 while waiting).
 */
export class ZohoAbortedError extends ZohoError {
  readonly endpoint: string;
  readonly phase: ZohoAbortPhase;
  readonly inFlightMs: number;
  constructor(endpoint: string, reason: unknown, phase: ZohoAbortPhase = 'waiting', inFlightMs = 0) {
    const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted by the caller';
    const during = phase === 'in-flight' ? `while Zoho had the request for ${Math.round(inFlightMs)} ms` : 'while waiting to ask Zoho';
    super(`Zoho call to ${endpoint} aborted ${during}: ${why}`, { retryable: true, cause: reason });
    this.endpoint = endpoint;
    this.phase = phase;
    this.inFlightMs = phase === 'in-flight' ? inFlightMs : 0;
  }
}

/** What a call would have waited for had it not given up: a rate-limit slot, a 429 pause, or the backoff before a retry. */
export type ZohoWaitKind = 'rate-limit-slot' | 'rate-limit-pause' | 'retry-backoff';

/**
 * A call made with `maxWaitMs` would have waited longer than that before asking Zoho, so it gave up
 * at once instead (Zoho was not asked this time; a slot it gave up on was never taken). `retryAt`
 * is when asking again is expected to go through without that wait. `cause`: the error that
 * started a retry backoff or a 429 pause, if any.
 */
export class ZohoWaitTooLongError extends ZohoError {
  readonly endpoint: string;
  readonly waitingFor: ZohoWaitKind;
  readonly retryAt: Date;
  readonly waitMs: number;
  constructor(args: { endpoint: string; waitingFor: ZohoWaitKind; waitMs: number; retryAt: Date; maxWaitMs: number; cause?: unknown }) {
    super(
      `Zoho call to ${args.endpoint} not made: it would wait ${Math.round(args.waitMs)} ms for a ${args.waitingFor.replace(/-/g, ' ')} (more than its ${args.maxWaitMs} ms); ask again after ${args.retryAt.toISOString()}`,
      { retryable: true, cause: args.cause },
    );
    this.endpoint = args.endpoint;
    this.waitingFor = args.waitingFor;
    this.retryAt = args.retryAt;
    this.waitMs = args.waitMs;
  }
}
