import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** What applying one Zoho record did to PostgreSQL. */
export const applyOutcomes = ['inserted', 'updated', 'unchanged', 'stale', 'deleted', 'restored', 'skipped'] as const;

/**
 * inserted / updated: the record was written. restored: a soft-deleted row came back with a newer
 * version. unchanged: the same version (or, for records without a version, the same values) is
 * already stored. stale: a newer version is stored, so this one was skipped. deleted: soft-deleted.
 * skipped: the record does not belong in the table (a vendor contact is not a customer).
 */
export type ApplyOutcome = (typeof applyOutcomes)[number];

/** Appliers own their transaction, so they take the database, never a transaction. */
export type ApplyDb = Kysely<Database>;
export type ApplyTx = Transaction<Database>;

/** Outcomes after which the record's row holds this version. */
export function isWritten(outcome: ApplyOutcome): outcome is 'inserted' | 'updated' | 'restored' {
  return outcome === 'inserted' || outcome === 'updated' || outcome === 'restored';
}

/**
 * A record that can never be stored as sent (a NUL character in a string, a payment term that is
 * not a whole number of days, a document without lines). Not retryable: it goes to the DLQ with
 * this reason.
 */
export class RecordRejectedError extends Error {
  readonly entity: string;
  readonly recordId: string | undefined;
  readonly retryable = false;
  constructor(entity: string, recordId: string | undefined, reason: string) {
    super(`Cannot store Zoho ${entity}${recordId ? ` ${recordId}` : ''}: ${reason}`);
    this.name = 'RecordRejectedError';
    this.entity = entity;
    this.recordId = recordId;
  }
}
