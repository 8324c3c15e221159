import type { ZohoValidationError } from '../errors';

export interface ZohoPageContext {
  page?: number;
  per_page?: number;
  has_more_page?: boolean;
  [key: string]: unknown;
}

/** One page of a list: valid records, and those that failed their schema (each with `raw`). */
export interface ZohoListPage<T> {
  records: T[];
  invalid: ZohoValidationError[];
  page: number;
  perPage: number;
  hasMore: boolean;
  pageContext: ZohoPageContext | null;
}

/** Reads `has_more_page` (boolean or "true"); a list without page_context is a single page. */
export function hasMorePages(pageContext: unknown): boolean {
  if (!pageContext || typeof pageContext !== 'object') return false;
  const more = (pageContext as ZohoPageContext).has_more_page as unknown;
  return more === true || more === 'true';
}

/**
 * Walks pages from `firstPage` while Zoho says `has_more_page`, one page in memory at a time.
 * Stops on an empty page even if Zoho claims more, so a misbehaving server cannot loop forever.
 */
export async function* paginate<T>(
  fetchPage: (page: number) => Promise<ZohoListPage<T>>,
  firstPage = 1,
): AsyncGenerator<ZohoListPage<T>, void, undefined> {
  for (let page = firstPage; ; page += 1) {
    const result = await fetchPage(page);
    yield result;
    if (!result.hasMore || result.records.length + result.invalid.length === 0) return;
  }
}
