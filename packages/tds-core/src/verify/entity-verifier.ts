import type { ColumnDifference, VerifyEntity } from './types';
import type { VerifyEnv } from './verify-env';

/** How one Zoho record compares with what is stored for it. */
export type RecordCheck =
  | { kind: 'match' }
  | { kind: 'drift'; columns: ColumnDifference[] }
  /** Live in Zoho, absent or soft-deleted here. */
  | { kind: 'missing' }
  /** Zoho has it, but it does not belong in this table (a vendor contact is not a customer). */
  | { kind: 'foreign' }
  /** The apply path refuses it for good (it is in the dead-letter queue); not a drift. */
  | { kind: 'unstorable'; reason: string };

/** Zoho records read for a check: those found, the ids Zoho does not have, and records failing their schema. */
export interface ZohoRead<R> {
  records: R[];
  gone: string[];
  unstorable: Array<{ zoho_id: string; reason: string }>;
}

export interface EntityVerifier<R> {
  entity: VerifyEntity;
  /** The table whose active rows must all be live in Zoho; null for stock (products answer for presence). */
  presence: { table: 'products' | 'customers' | 'invoices' | 'bills' | 'price_lists'; key: string } | null;
  idOf(record: R): string;
  /** Zoho's live records, whole enough to compare: all of them (as a full sync reads them) or a random sample. */
  live(env: VerifyEnv, sample: number | null): Promise<ZohoRead<R>>;
  /** Zoho's current records of these ids, by detail (or itemdetails) requests. */
  byIds(env: VerifyEnv, ids: readonly string[]): Promise<ZohoRead<R>>;
  /** Each record compared with its stored rows, by Zoho id. */
  check(env: VerifyEnv, records: readonly R[]): Promise<Map<string, RecordCheck>>;
}

/** The message of a refusal, for the report (schema errors and RecordRejectedError name the field, never a secret). */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
