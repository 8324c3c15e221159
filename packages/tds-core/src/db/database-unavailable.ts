// SQLSTATEs that say "the database cannot serve you right now", not "this request is wrong":
// connection exceptions (08…), operator intervention (57…: shutdown, statement timeout,
// cancel), too many connections, and a session ended for idling in a transaction.
const UNAVAILABLE_CODES = /^(08...|57...|53300|25P03)$/;

/**
 * True when an error means the database is unreachable, stalled or overloaded, so that the
 * same request may succeed later (an HTTP caller gets 503 + Retry-After, not 500). Errors with
 * no SQLSTATE come from the connection itself (refused, timed out, cut by the stall watchdog).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CODES.test(code);
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)$/.test(code)) return true;
  // pg's own connection errors, which carry no code.
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|timeout expired|stopped answering|not queryable|Query read timeout/i.test(error.message);
}
