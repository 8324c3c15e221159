import type { ZohoListPage } from '@tsh/zoho-client';

export interface KeysetRequest {
  since: Date | null;
  page: number;
}

/** Latest last_modified_time on a page, or null when no record has one. */
export function latestModified(records: ReadonlyArray<{ last_modified_time: string | null }>): string | null {
  let best: string | null = null;
  let bestAt = -Infinity;
  for (const record of records) {
    const at = record.last_modified_time === null ? Number.NaN : Date.parse(record.last_modified_time);
    if (!Number.isNaN(at) && at > bestAt) {
      best = record.last_modified_time;
      bestAt = at;
    }
  }
  return best;
}

/**
 * Walks a list sorted by last_modified_time ascending by keyset rather than page number: each next
 * request asks for records modified after the last page's latest time minus one second (Zoho's
 * filter is strictly-greater and times are whole seconds), so records edited or deleted while the
 * walk goes on cannot shift a record past a page boundary unseen. Records of that last second come
 * again (no-ops). When a whole page shares one second, it falls back to the next page number.
 */
export async function* keysetPages<R extends { last_modified_time: string | null }>(
  fetchPage: (request: KeysetRequest) => Promise<ZohoListPage<R>>,
  start: Date | null,
): AsyncGenerator<ZohoListPage<R>, void, undefined> {
  let since = start;
  let page = 1;
  for (;;) {
    const result = await fetchPage({ since, page });
    yield result;
    if (!result.hasMore || result.records.length + result.invalid.length === 0) return;
    const latest = latestModified(result.records);
    const next = latest === null ? null : new Date(Date.parse(latest) - 1000);
    if (next !== null && (since === null || next.getTime() > since.getTime())) {
      since = next;
      page = 1;
    } else {
      page += 1;
    }
  }
}

/** Walks pages by number from 1 with a fixed filter, while Zoho says there are more. */
export async function* numberedPages<R>(
  fetchPage: (request: KeysetRequest) => Promise<ZohoListPage<R>>,
  start: Date | null,
): AsyncGenerator<ZohoListPage<R>, void, undefined> {
  for (let page = 1; ; page++) {
    const result = await fetchPage({ since: start, page });
    yield result;
    if (!result.hasMore || result.records.length + result.invalid.length === 0) return;
  }
}

/**
 * Pages of a list sorted by last_modified_time ascending. Incremental runs walk by keyset (no
 * record can slip past a page boundary while the catalogue changes); full runs walk by page
 * number, which reads each record once, because whatever a shifting list hides from a full pass
 * is caught by the reconciliation that follows it.
 */
export function pagesByModifiedTime<R extends { last_modified_time: string | null }>(
  fetchPage: (request: KeysetRequest) => Promise<ZohoListPage<R>>,
  start: Date | null,
  mode: 'full' | 'incremental',
): AsyncGenerator<ZohoListPage<R>, void, undefined> {
  return mode === 'incremental' ? keysetPages(fetchPage, start) : numberedPages(fetchPage, start);
}
