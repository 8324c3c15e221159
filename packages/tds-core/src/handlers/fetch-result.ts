import { ZohoApiError, ZohoValidationError } from '@tsh/zoho-client';

/**
 * What asking Zoho for one record gave: the record, "it does not exist" (deleted in Zoho), a record
 * that failed its schema (permanent), or an error (retryable or not, as the error says).
 */
export type FetchResult<R> =
  | { status: 'found'; record: R }
  | { status: 'missing' }
  | { status: 'invalid'; error: ZohoValidationError }
  | { status: 'error'; error: unknown };

/** Zoho answers a record that does not exist (any more) with HTTP 404 or code 1002. */
export function isZohoNotFound(error: unknown): boolean {
  return error instanceof ZohoApiError && (error.status === 404 || error.code === 1002);
}

/** One detail GET turned into a FetchResult. */
export async function fetchOne<R>(get: () => Promise<R>): Promise<FetchResult<R>> {
  try {
    return { status: 'found', record: await get() };
  } catch (error) {
    if (isZohoNotFound(error)) return { status: 'missing' };
    if (error instanceof ZohoValidationError) return { status: 'invalid', error };
    return { status: 'error', error };
  }
}
