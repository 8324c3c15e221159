import { ZohoValidationError } from '@tsh/zoho-client';
import { databaseNow } from '../apply/ask-time';
import { deletePriceList } from '../apply/price-list';
import { applyStreamedPriceList } from '../apply/price-list-stream';
import { applyingFetchedRecord, DeletedRowNeedsCheckError } from '../apply/record-origin';
import type { ApplyOutcome } from '../apply/types';
import { isZohoNotFound } from '../handlers/fetch-result';
import type { RunRecord, SyncRun } from './sync-run';

/**
 * One price book asked for and applied as its detail streams in (applyStreamedPriceList), through
 * the run's applyAll like any fetched record: a book Zoho no longer has is soft-deleted, a book
 * failing its schema or refused for good is dead-lettered (with the entry at fault as its raw
 * record: the book itself is never held whole), and a retryable failure (the answer broke off
 * midway, a lost connection) rolled the book back whole and is tried again, then fails the run.
 * The askedAt rule of applyFetched holds: the database clock is read before Zoho is asked, and a
 * row soft-deleted meanwhile makes the book be asked for once more (docs/deletions.md).
 */
export async function applyStreamedBook(run: SyncRun, id: string, chunkSize?: number): Promise<void> {
  const record: RunRecord = { id, raw: null, apply: () => applyChecked() };

  const once = async (): Promise<ApplyOutcome> => {
    const askedAt = await databaseNow(run.db);
    try {
      return await applyingFetchedRecord(askedAt, () => applyStreamedPriceList(run.db, run.zoho, id, run.ctx, { chunkSize }));
    } catch (error) {
      if (isZohoNotFound(error)) return deletePriceList(run.db, id, run.ctx);
      if (error instanceof ZohoValidationError) record.raw = error.raw ?? null;
      throw error;
    }
  };

  async function applyChecked(): Promise<ApplyOutcome> {
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof DeletedRowNeedsCheckError)) throw error;
    }
    run.counts.fetched += 1;
    return once();
  }

  await run.applyAll([record]);
}
