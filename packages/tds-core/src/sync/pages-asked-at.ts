import type { Kysely } from 'kysely';
import { databaseNow } from '../apply/ask-time';
import type { Database } from '../db/schema';

/**
 * Each page of a lazy page walk with the database clock read just before the page was requested:
 * rows applied straight from a listing are records Zoho returned at that moment (record-origin.ts).
 */
export async function* pagesAskedAt<P>(db: Kysely<Database>, pages: AsyncIterable<P>): AsyncGenerator<{ askedAt: string; page: P }, void, undefined> {
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const askedAt = await databaseNow(db);
    const next = await iterator.next();
    if (next.done) return;
    yield { askedAt, page: next.value };
  }
}
