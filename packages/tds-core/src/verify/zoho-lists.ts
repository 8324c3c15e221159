import type { ZohoListPage, ZohoListParams, ZohoValidationError } from '@tsh/zoho-client';
import type { VerifyEnv } from './verify-env';

export interface ListedRecords<R> {
  records: R[];
  invalid: ZohoValidationError[];
}

const PER_PAGE = 200;

/** Every page of a list, as a full sync walks it. */
export async function listAll<R>(pages: AsyncGenerator<ZohoListPage<R>, void, undefined>): Promise<ListedRecords<R>> {
  const listed: ListedRecords<R> = { records: [], invalid: [] };
  for await (const page of pages) {
    listed.records.push(...page.records);
    listed.invalid.push(...page.invalid);
  }
  return listed;
}

/** `count` distinct picks out of `items`, in random order. */
export function pickRandom<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return picked;
}

/**
 * About `sample` random records of a list without walking it: Zoho lists say only whether more
 * pages follow, so the number of pages is estimated from the stored row count, and random pages
 * of that range are read until there are enough records (page 1 when the estimate overshoots).
 * A sample of 20 out of 200 per page costs one request.
 */
export async function listSample<R>(
  env: VerifyEnv,
  list: (params: ZohoListParams) => Promise<ZohoListPage<R>>,
  storedCount: number,
  sample: number,
  /** Which listed records the sample may be drawn from (a contacts list also holds vendors, which are not checked). */
  eligible: (record: R) => boolean = () => true,
): Promise<ListedRecords<R>> {
  const estimatedPages = Math.max(1, Math.ceil(storedCount / PER_PAGE));
  const wantedPages = Math.min(estimatedPages, Math.ceil(sample / PER_PAGE));
  const pages = pickRandom(Array.from({ length: estimatedPages }, (_, i) => i + 1), wantedPages, env.random);
  const listed: ListedRecords<R> = { records: [], invalid: [] };
  for (const page of pages) {
    let result = await list({ page, perPage: PER_PAGE });
    if (result.records.length + result.invalid.length === 0 && page > 1) result = await list({ page: 1, perPage: PER_PAGE });
    listed.records.push(...result.records);
    listed.invalid.push(...result.invalid);
  }
  const picked = new Set(pickRandom(listed.records.filter(eligible), sample, env.random));
  return { records: listed.records.filter((r) => picked.has(r)), invalid: listed.invalid.slice(0, Math.max(0, sample - picked.size)) };
}
