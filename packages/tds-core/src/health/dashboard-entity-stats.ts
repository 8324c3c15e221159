import { sql, type Kysely } from 'kysely';
import type { Database, JsonValue } from '../db/schema';
import { entityTypes } from '../transform/entities';
import { readLastSyncs } from './sql/read-last-syncs';

export interface EntityLastRun {
  id: string;
  mode: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  counts: JsonValue;
  error: string | null;
}

/** What the dashboard shows of one sync entity. */
export interface EntityStats {
  entity: string;
  /** The table the entity lands in (docs/data-contract.md). */
  table: string;
  rows: number;
  /** Rows soft-deleted because Zoho deleted them. */
  deleted_rows: number;
  last_sync_at: Date | null;
  last_full_sync_at: Date | null;
  last_incremental_sync_at: Date | null;
  /** Zoho last_modified_time up to which every change is applied. */
  cursor: Date | null;
  last_run_status: string | null;
  last_error: string | null;
  queue_pending: number;
  queue_processing: number;
  dead_letters_open: number;
  last_run: EntityLastRun | null;
}

interface Row {
  entity: string;
  rows: string | null;
  deleted_rows: string | null;
  cursor: Date | null;
  last_full_sync_at: Date | null;
  last_incremental_sync_at: Date | null;
  last_run_status: string | null;
  last_error: string | null;
  queue_pending: string;
  queue_processing: string;
  dead_letters_open: string;
  run_id: string | null;
  run_mode: string | null;
  run_status: string | null;
  run_started_at: Date | null;
  run_finished_at: Date | null;
  run_counts: JsonValue;
  run_error: string | null;
}

const TABLE_OF: Record<string, string> = {
  products: 'products',
  customers: 'customers',
  invoices: 'invoices',
  bills: 'bills',
  stock: 'stock_levels',
  pricelists: 'price_lists',
};

/**
 * Per entity: rows in its table, cursor, last full/incremental sync, last run and its error, and
 * what waits for it in the queue and the dead-letter queue. Row counts are exact (count(*)), so
 * this is read when an operator opens the view, not on every live tick.
 */
export async function readEntityStats(
  db: Kysely<Database>,
  organizationId: string,
  entities: readonly string[] = entityTypes,
): Promise<EntityStats[]> {
  const [{ rows }, lastSyncs] = await Promise.all([
    sql<Row>`
WITH counts(entity, rows, deleted_rows) AS (
  SELECT 'products', count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM products
  UNION ALL SELECT 'customers', count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM customers
  UNION ALL SELECT 'invoices', count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM invoices
  UNION ALL SELECT 'bills', count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM bills
  UNION ALL SELECT 'stock', count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM stock_levels
  UNION ALL SELECT 'pricelists', count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM price_lists
)
SELECT e.entity, c.rows, c.deleted_rows,
  s.cursor, s.last_full_sync_at, s.last_incremental_sync_at, s.last_run_status, s.last_error,
  q.pending AS queue_pending, q.processing AS queue_processing, d.open AS dead_letters_open,
  r.id::text AS run_id, r.mode AS run_mode, r.status AS run_status, r.started_at AS run_started_at,
  r.finished_at AS run_finished_at, r.counts AS run_counts, r.error AS run_error
FROM unnest(${[...entities]}::text[]) WITH ORDINALITY AS e(entity, position)
LEFT JOIN counts c ON c.entity = e.entity
LEFT JOIN tds_sync_state s ON s.entity = e.entity AND s.organization_id = ${organizationId}
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'processing') AS processing
  FROM tds_sync_queue WHERE entity_type = e.entity AND status IN ('pending', 'processing')
) q ON true
LEFT JOIN LATERAL (
  SELECT count(*) AS open FROM tds_dead_letter_queue WHERE entity_type = e.entity AND resolved_at IS NULL AND retried_at IS NULL
) d ON true
LEFT JOIN LATERAL (
  SELECT id, mode, status, started_at, finished_at, counts, error FROM tds_sync_runs
  WHERE entity = e.entity AND (organization_id = ${organizationId} OR organization_id IS NULL)
  ORDER BY started_at DESC, id DESC LIMIT 1
) r ON true
ORDER BY e.position`.execute(db),
    readLastSyncs(db, organizationId, entities),
  ]);
  const lastSyncOf = new Map(lastSyncs.map((s) => [s.entity, s.last_sync_at]));
  return rows.map((r) => ({
    entity: r.entity,
    table: TABLE_OF[r.entity] ?? r.entity,
    rows: Number(r.rows ?? 0),
    deleted_rows: Number(r.deleted_rows ?? 0),
    last_sync_at: lastSyncOf.get(r.entity) ?? null,
    last_full_sync_at: r.last_full_sync_at,
    last_incremental_sync_at: r.last_incremental_sync_at,
    cursor: r.cursor,
    last_run_status: r.last_run_status,
    last_error: r.last_error,
    queue_pending: Number(r.queue_pending),
    queue_processing: Number(r.queue_processing),
    dead_letters_open: Number(r.dead_letters_open),
    last_run:
      r.run_id === null
        ? null
        : {
            id: r.run_id,
            mode: r.run_mode ?? '',
            status: r.run_status ?? '',
            started_at: r.run_started_at!,
            finished_at: r.run_finished_at,
            counts: r.run_counts,
            error: r.run_error,
          },
  }));
}
