import { isDatabaseUnavailable } from '../db/database-unavailable';

/**
 * Where DATABASE_URL points, as `host:port` only: never the user, the password or the query
 * (a password may also sit in `?password=`). A socket directory given as `?host=` is named as such.
 */
export function databaseAddressOf(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    const port = parsed.port || parsed.searchParams.get('port') || '5432';
    return `${host.startsWith('/') ? `socket ${host}` : host}:${port}`;
  } catch {
    return 'an unreadable address';
  }
}

/**
 * The database named by DATABASE_URL did not answer while TDS was starting (refused, timed out,
 * shutting down). Keeps the driver's `code` (ECONNREFUSED…) and the original error as `cause`,
 * so callers that test for an unavailable database still recognize it. A command ends with exit 1
 * (a failure that may pass once PostgreSQL is back), not 2: the configuration itself may be right.
 */
export class DatabaseUnreachableError extends Error {
  readonly code: string | undefined;
  readonly address: string;
  constructor(address: string, cause: Error) {
    super(
      `could not reach the database at DATABASE_URL (${address}): ${cause.message}. ` +
        'Check that PostgreSQL is running and accepts connections there (host, port, firewall, max_connections)',
      { cause },
    );
    this.name = 'DatabaseUnreachableError';
    this.address = address;
    const code = (cause as { code?: unknown }).code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** The error to throw for a failure while opening the database at `url`: unreachable ones say where. */
export function explainDatabaseFailure(error: unknown, url: string | undefined): unknown {
  if (url === undefined || !(error instanceof Error) || !isDatabaseUnavailable(error)) return error;
  return new DatabaseUnreachableError(databaseAddressOf(url), error);
}
