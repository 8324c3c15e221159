import { sql, type RawBuilder } from 'kysely';
import { isApplyingUnconfirmedRecord } from './record-origin';
import { isApplyingRepair } from './repair-scope';
import type { ApplyTx } from './types';

export type VersionedTable = 'products' | 'customers' | 'invoices' | 'bills' | 'price_lists';

export type UpsertOutcome = 'inserted' | 'updated' | 'restored' | 'unchanged' | 'stale';

export interface VersionedUpsert {
  table: VersionedTable;
  /** The unique Zoho id column. */
  key: string;
  /** Column → value; `zoho_last_modified_time` (ISO text or null) is the record's version. */
  row: Record<string, unknown>;
}

const ref = (column: string) => sql.ref(column);
const asText = (alias: string, columns: readonly string[]): RawBuilder<unknown> =>
  sql`ROW(${sql.join(columns.map((c) => sql`${sql.ref(`${alias}.${c}`)}::text`))}, ${sql.ref(`${alias}.deleted_at`)} IS NULL)`;

/**
 * Inserts the row or updates the stored one in a single statement, guarded inside the statement:
 * - with a version, the stored row is replaced only when it has no version or an older one, so an
 *   older Zoho version can never overwrite a newer one (equal: nothing happens), except that a
 *   soft-deleted row is restored by a record of its own version too when the record comes from
 *   Zoho (a fetch or a listing): Zoho returning it live proves the deletion wrong. A copy carried by
 *   a webhook delivery proves nothing (it may predate the deletion), so it restores only when newer
 *   (docs/deletions.md);
 * - without one (price books carry none), it is replaced when any value differs (deleted included).
 * A repair queued by `tds verify` (repair-scope.ts) rewrites a row of the same version too.
 * A write clears `deleted_at`. When nothing was written, a second read tells an equal version
 * ('unchanged') from a newer one ('stale').
 */
export async function upsertVersioned(tx: ApplyTx, spec: VersionedUpsert): Promise<{ outcome: UpsertOutcome; id: string | null }> {
  const { table, key, row } = spec;
  const columns = Object.keys(row);
  const version = (row.zoho_last_modified_time ?? null) as string | null;
  const compared = columns.filter((c) => c !== key && c !== 'zoho_last_modified_time');
  const updates = compared.map((c) => sql`${ref(c)} = excluded.${ref(c)}`);
  if (columns.includes('zoho_last_modified_time')) {
    updates.push(sql`zoho_last_modified_time = coalesce(excluded.zoho_last_modified_time, t.zoho_last_modified_time)`);
  }
  const guard =
    version === null
      ? sql`${asText('t', compared)} IS DISTINCT FROM ${asText('excluded', compared)}`
      : isApplyingRepair()
        ? sql`t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time <= excluded.zoho_last_modified_time`
        : isApplyingUnconfirmedRecord()
        ? sql`t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time < excluded.zoho_last_modified_time`
        : sql`t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time < excluded.zoho_last_modified_time
              OR (t.deleted_at IS NOT NULL AND t.zoho_last_modified_time <= excluded.zoho_last_modified_time)`;

  const { rows } = await sql<{ id: string; inserted: boolean; was_deleted: boolean | null }>`
WITH old AS (SELECT deleted_at FROM ${sql.table(table)} WHERE ${ref(key)} = ${row[key]})
INSERT INTO ${sql.table(table)} AS t (${sql.join(columns.map(ref))}, last_synced_at)
VALUES (${sql.join(columns.map((c) => sql`${row[c]}`))}, now())
ON CONFLICT (${ref(key)}) DO UPDATE SET
  ${sql.join(updates)},
  deleted_at = NULL,
  last_synced_at = now(),
  updated_at = now()
WHERE ${guard}
RETURNING t.id::text AS id, (t.xmax = 0) AS inserted, (SELECT o.deleted_at IS NOT NULL FROM old o) AS was_deleted`.execute(tx);

  const written = rows[0];
  if (written) {
    const outcome = written.inserted ? 'inserted' : written.was_deleted ? 'restored' : 'updated';
    return { outcome, id: written.id };
  }
  if (version === null) return { outcome: 'unchanged', id: null };
  const { rows: stored } = await sql<{ same: boolean }>`
SELECT zoho_last_modified_time = ${version}::timestamptz AS same FROM ${sql.table(table)} WHERE ${ref(key)} = ${row[key]}`.execute(tx);
  return { outcome: stored[0]?.same === false ? 'stale' : 'unchanged', id: null };
}
