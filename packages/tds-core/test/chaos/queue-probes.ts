import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Queries retried through the moments when the chaos terminates this test's own connections. */
export async function retrying<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(200 * attempt);
    }
  }
}

/** Queue items held (status processing) by the workers of one process (worker ids are host:pid:…). */
export async function itemsHeldBy(db: Kysely<Database>, pid: number): Promise<string[]> {
  const { rows } = await retrying(() =>
    sql<{ id: string }>`SELECT id::text AS id FROM tds_sync_queue WHERE status = 'processing' AND split_part(locked_by, ':', 2) = ${String(pid)}`.execute(db),
  );
  return rows.map((r) => r.id);
}

export interface ItemsFate {
  completed: number;
  deadLettered: number;
  /** entity:zoho id of each dead-lettered item. */
  deadLetteredRecords: string[];
  /** Items absorbed, when returned to pending, by a newer pending item of the same record (which goes on). */
  merged: number;
  /** Items no longer in the queue, nor in the DLQ, with no later item of their record. */
  gone: number;
}

/**
 * Waits until none of `ids` is pending or processing any more; tells what became of them. The
 * records are read first (call it right after the kill, while the items are still held).
 */
export async function waitUntilSettled(db: Kysely<Database>, ids: readonly string[], timeoutMs: number): Promise<ItemsFate> {
  const { rows: held } = await retrying(() =>
    sql<{ id: string; entity_type: string; zoho_id: string }>`
      SELECT id::text AS id, entity_type, zoho_id FROM tds_sync_queue WHERE id = ANY(${ids}::bigint[])`.execute(db),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await retrying(() =>
      sql<{ id: string; status: string }>`SELECT id::text AS id, status FROM tds_sync_queue WHERE id = ANY(${ids}::bigint[])`.execute(db),
    );
    const open = rows.filter((r) => r.status === 'pending' || r.status === 'processing').length;
    if (open === 0) {
      const completed = rows.filter((r) => r.status === 'completed').length;
      const { rows: dead } = await retrying(() =>
        sql<{ id: string; record: string }>`
          SELECT original_queue_id::text AS id, entity_type || ':' || zoho_id AS record FROM tds_dead_letter_queue WHERE original_queue_id = ANY(${ids}::bigint[])`.execute(db),
      );
      const missing = held.filter((h) => !rows.some((r) => r.id === h.id) && !dead.some((d) => d.id === h.id));
      let merged = 0;
      for (const item of missing) {
        const { rows: later } = await retrying(() =>
          sql<{ n: number }>`
            SELECT count(*)::int AS n FROM tds_sync_queue
            WHERE entity_type = ${item.entity_type} AND zoho_id = ${item.zoho_id} AND id > ${item.id}::bigint`.execute(db),
        );
        if (later[0]!.n > 0) merged++;
      }
      return { completed, deadLettered: dead.length, deadLetteredRecords: dead.map((d) => d.record), merged, gone: ids.length - completed - dead.length - merged };
    }
    if (Date.now() > deadline) throw new Error(`${open} of ${ids.length} items still open after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Items that are still to be done (pending, including those waiting for a retry, or processing). */
export async function openQueueItems(db: Kysely<Database>): Promise<number> {
  const { rows } = await retrying(() => sql<{ n: number }>`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`.execute(db));
  return rows[0]!.n;
}

/** pg_terminate_backend on every other connection to this database; returns how many were ended. */
export async function terminateOtherBackends(db: Kysely<Database>, database: string): Promise<number> {
  const { rows } = await retrying(() =>
    sql<{ n: number }>`
      SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
      FROM pg_stat_activity WHERE datname = ${database} AND pid <> pg_backend_pid()`.execute(db),
  );
  return rows[0]!.n;
}

/** Key columns that must be unique in each contract table: any group of more than one row is a duplicate. */
const KEYS: Record<string, string[]> = {
  products: ['zoho_item_id'],
  categories: ['zoho_category_id'],
  customers: ['zoho_contact_id'],
  invoices: ['zoho_invoice_id'],
  invoice_lines: ['zoho_line_item_id'],
  bills: ['zoho_bill_id'],
  bill_lines: ['zoho_line_item_id'],
  stock_levels: ['zoho_item_id', 'zoho_location_id'],
  price_lists: ['zoho_pricebook_id'],
  price_list_items: ['zoho_pricebook_id', 'zoho_item_id'],
};

export async function duplicatedRows(db: Kysely<Database>): Promise<string[]> {
  const found: string[] = [];
  for (const [table, key] of Object.entries(KEYS)) {
    const columns = sql.join(key.map((c) => sql.ref(c)));
    const { rows } = await retrying(() =>
      sql<{ k: string; n: number }>`SELECT concat_ws('/', ${columns}) AS k, count(*)::int AS n FROM ${sql.table(table)} GROUP BY ${columns} HAVING count(*) > 1`.execute(db),
    );
    for (const row of rows) found.push(`${table}[${row.k}] × ${row.n}`);
  }
  return found;
}
