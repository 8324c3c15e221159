import { databaseNow } from '../apply/ask-time';
import type { ApplyContext } from '../apply/apply-context';
import { deletePriceList } from '../apply/price-list';
import { applyStreamedPriceList } from '../apply/price-list-stream';
import { applyingFetchedRecord } from '../apply/record-origin';
import { applyingRepair } from '../apply/repair-scope';
import type { ApplyOutcome } from '../apply/types';
import { isZohoNotFound } from './fetch-result';
import type { SyncHandlerDeps } from './types';
import { handlerCallOptions } from './zoho-wait';

export interface StreamedBookAsk {
  id: string;
  /**
   * 'check' (a deletion, or a carried copy of a deleted book): a not-found answer deletes. 'fetch': so
   * does it, unless the item's carried copy failed its schema (`carriedError`), which then stands.
   * A book is deleted by id alone: no last known copy is stored for it (entity-appliers.ts).
   */
  kind: 'fetch' | 'check';
  carriedError?: unknown;
  /** A verify repair re-applies even at the stored version. */
  repair: boolean;
}

/**
 * A queue item's price book asked for and applied as its detail streams in (applyStreamedPriceList),
 * so a webhook about a book of 100 000 entries holds a chunk of it, not the whole answer: the same
 * path a full sync takes (sync/apply-streamed-book.ts). The rules of the whole-record path hold: the
 * database clock is read before Zoho is asked (a row deleted after that throws
 * DeletedRowNeedsCheckError for the handler's second round), a not-found answer deletes (ids are
 * never reused), a schema failure or any other error is the item's error, and a stream broken
 * midway rolls the book back whole.
 */
export async function applyStreamedBookItem(
  deps: Pick<SyncHandlerDeps, 'db' | 'zoho' | 'zohoMaxWaitMs'> & { applyContext: ApplyContext },
  ask: StreamedBookAsk,
  signal: AbortSignal,
): Promise<ApplyOutcome> {
  const { db, zoho, applyContext: ctx } = deps;
  const askedAt = await databaseNow(db);
  const stream = () => applyingFetchedRecord(askedAt, () => applyStreamedPriceList(db, zoho, ask.id, ctx, { call: handlerCallOptions(signal, deps.zohoMaxWaitMs) }));
  try {
    return await (ask.repair ? applyingRepair(stream) : stream());
  } catch (error) {
    if (!isZohoNotFound(error)) throw error;
    if (ask.kind === 'fetch' && ask.carriedError !== undefined) throw ask.carriedError;
    return deletePriceList(db, ask.id, ctx);
  }
}
