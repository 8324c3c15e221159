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

// Codes Zoho sends with a 404 that say nothing about the record: 5 "Invalid URL passed", 57 not
// authorized, 6041 organization not associated with the user.
const NOT_ABOUT_THE_RECORD = new Set([5, 57, 6041]);

/**
 * Whether Zoho itself said the record does not exist (any more): code 1002, or a 404 carrying
 * Zoho's JSON envelope with a code about the record. A 404 without Zoho's envelope (a proxy's or
 * gateway's HTML page, a wrong API host) says nothing about the record, and reading it as a
 * deletion would soft-delete live rows (docs/deletions.md): it stays an error.
 */
export function isZohoNotFound(error: unknown): boolean {
  if (!(error instanceof ZohoApiError)) return false;
  if (error.code === 1002) return true;
  return error.status === 404 && error.code !== undefined && !NOT_ABOUT_THE_RECORD.has(error.code);
}

/** A refusal that is not Zoho's answer about any record (no Zoho code: a proxy's page, a body without the expected key). */
export const isNotZohoEnvelope = (error: unknown): boolean => error instanceof ZohoApiError && error.code === undefined;

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
