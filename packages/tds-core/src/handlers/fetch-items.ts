import { type ZohoCallOptions, type ZohoClient, type ZohoItem } from '@tsh/zoho-client';
import { ITEM_DETAILS_BATCH } from '@tsh/zoho-client/internal';
import { isRetryableError } from '../apply/error-retryable';
import { errorText } from '../queue/error-text';
import { fetchOne, isNotZohoEnvelope, isZohoNotFound, type FetchResult } from './fetch-result';
import { deferralOf, notTried } from './zoho-wait';

type Results = Map<string, FetchResult<ZohoItem>>;

/**
 * Asks `itemdetails` for `ids` (at most one batch) and records what it gave. An id the batch did not
 * return is asked for alone, so only a 404 / code 1002 counts as deleted. A batch refused as a whole
 * with 404 / code 1002 (one of its ids no longer exists: it is unknown whether itemdetails omits
 * such an id or fails) is asked for id by id, so one deleted item neither hides its deletion nor
 * fails the rest. A batch refused for another permanent reason (a 400 about one bad id, say) is
 * split in halves until the id that causes it stands alone: only that id fails, at the cost of
 * about 2·log2(n) requests rather than n. A retryable refusal (429, 5xx after the client's own
 * retries) is returned to the caller without recording anything: asking again now would only
 * spend budget. A refusal without Zoho's envelope (a proxy's HTML page) is about no id: every id
 * of the batch gets it, and nothing more is asked.
 */
async function fetchBatch(zoho: ZohoClient, ids: readonly string[], results: Results, options: ZohoCallOptions = {}): Promise<{ retryable: unknown } | undefined> {
  try {
    for await (const batch of zoho.inventory.itemDetails.batches(ids, options)) {
      for (const record of batch.records) results.set(record.item_id, { status: 'found', record });
      for (const error of batch.invalid) if (error.recordId !== undefined) results.set(error.recordId, { status: 'invalid', error });
    }
  } catch (error) {
    if (isRetryableError(error)) return { retryable: error };
    if (isNotZohoEnvelope(error)) {
      // Not about one id (a proxy's page, say): halving would only ask again and again for the same answer.
      for (const id of ids) if (!results.has(id)) results.set(id, { status: 'error', error });
      return undefined;
    }
    if (!isZohoNotFound(error)) {
      if (ids.length === 1) {
        results.set(ids[0], { status: 'error', error });
        return undefined;
      }
      const half = Math.ceil(ids.length / 2);
      return (await fetchBatch(zoho, ids.slice(0, half), results, options)) ?? (await fetchBatch(zoho, ids.slice(half), results, options));
    }
  }
  for (const id of ids) if (!results.has(id)) results.set(id, await fetchOne(() => zoho.inventory.items.get(id, undefined, options)));
  return undefined;
}

/**
 * Full items (with stock per location) through Inventory `itemdetails`, 100 ids per request (see
 * fetchBatch for how a refused batch is narrowed down). After a retryable refusal no further batch
 * is asked: every id not fetched yet, asked or not, gets that retryable error, so its queue item is
 * retried later and never dead-lettered for a request it was not part of.
 */
export async function fetchItemsByIds(zoho: ZohoClient, itemIds: readonly string[], options: ZohoCallOptions = {}): Promise<Results> {
  const results: Results = new Map();
  const ids = [...new Set(itemIds.map(String).filter((id) => id.trim() !== ''))];
  for (let start = 0; start < ids.length; start += ITEM_DETAILS_BATCH) {
    const stopped = await fetchBatch(zoho, ids.slice(start, start + ITEM_DETAILS_BATCH), results, options);
    if (stopped) {
      for (const id of ids.slice(start)) if (!results.has(id)) results.set(id, { status: 'error', error: stopped.retryable });
      // Ids of later batches were never asked: a request that hung (a counted attempt for its own ids) is not theirs.
      const unasked = deferralOf(stopped.retryable) === null ? notTried(new Error(`not asked: an earlier itemdetails request failed (${errorText(stopped.retryable)})`)) : stopped.retryable;
      for (const id of ids.slice(start + ITEM_DETAILS_BATCH)) results.set(id, { status: 'error', error: unasked });
      return results;
    }
  }
  return results;
}
