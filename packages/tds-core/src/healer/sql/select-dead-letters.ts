import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface DeadLetterSelection {
  ids?: readonly string[];
  entityType?: string;
  /** Only entries whose error contains this text (case-insensitive). */
  errorContains?: string;
  failedBefore?: Date;
  failedAfter?: Date;
  limit: number;
}

/** Ids of open dead letters (neither resolved nor retried) matching every given criterion, oldest first. */
export async function selectOpenDeadLetters(db: Kysely<Database>, selection: DeadLetterSelection): Promise<string[]> {
  const ids = selection.ids ? [...selection.ids] : null;
  const pattern = selection.errorContains ? `%${selection.errorContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await sql<{ id: string }>`
SELECT id::text AS id FROM tds_dead_letter_queue
WHERE resolved_at IS NULL AND retried_at IS NULL
  AND (${ids}::bigint[] IS NULL OR id = ANY(${ids}::bigint[]))
  AND (${selection.entityType ?? null}::text IS NULL OR entity_type = ${selection.entityType ?? null})
  AND (${pattern}::text IS NULL OR error ILIKE ${pattern})
  AND (${selection.failedBefore ?? null}::timestamptz IS NULL OR failed_at < ${selection.failedBefore ?? null}::timestamptz)
  AND (${selection.failedAfter ?? null}::timestamptz IS NULL OR failed_at > ${selection.failedAfter ?? null}::timestamptz)
ORDER BY failed_at, id
LIMIT ${selection.limit}`.execute(db);
  return rows.map((r) => r.id);
}
