import { sql } from 'kysely';
import type { DeadLetterRow } from '../db/schema';
import { requirePositive } from './validate';
import { QueueInputError, type QueueDb } from './types';

export interface ListDeadLettersOptions {
  /** open: neither resolved nor retried (default); all: every entry. */
  state?: 'open' | 'all';
  entityType?: string;
  limit?: number;
  offset?: number;
}

/** Dead letters, newest first, with the total matching the filter. */
export async function listDeadLetters(db: QueueDb, options: ListDeadLettersOptions = {}): Promise<{ items: DeadLetterRow[]; total: number }> {
  const state = options.state ?? 'open';
  if (state !== 'open' && state !== 'all') throw new QueueInputError(['state: must be "open" or "all"']);
  const limit = requirePositive(options.limit ?? 100, 'limit', { integer: true, max: 10_000 });
  const offset = options.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new QueueInputError(['offset: must be a whole number ≥ 0']);
  const entityType = options.entityType ?? null;
  const where = sql`(${state} = 'all' OR (resolved_at IS NULL AND retried_at IS NULL)) AND (${entityType}::text IS NULL OR entity_type = ${entityType})`;
  const [items, total] = await Promise.all([
    sql<DeadLetterRow>`SELECT * FROM tds_dead_letter_queue WHERE ${where} ORDER BY failed_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`.execute(db),
    sql<{ total: string }>`SELECT count(*) AS total FROM tds_dead_letter_queue WHERE ${where}`.execute(db),
  ]);
  return { items: items.rows, total: Number(total.rows[0].total) };
}
