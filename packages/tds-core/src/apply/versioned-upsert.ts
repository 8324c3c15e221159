import { sql, type RawBuilder } from 'kysely';
import { currentRecordOrigin, DeletedRowNeedsCheckError } from './record-origin';
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
 * - a live row: with a version, it is replaced only when it has no version or an older one, so an
 *   older Zoho version can never overwrite a newer one (equal: nothing happens); without one (price
 *   books carry none), when any value differs. A repair queued by `tds verify` (repair-scope.ts)
 *   rewrites a row of the same version too, and, with a record Zoho returned to a request made after
 *   the row was last written (`last_synced_at` before `askedAt`), a row whose stored version is
 *   newer than Zoho's current one;
 * - a soft-deleted row: restored only by a record Zoho returned to a request made after the row's
 *   deletion was last confirmed (`deleted_at`, or `last_synced_at` that a later confirmation of an
 *   already deleted row moves: soft-delete.ts) - `askedAt`, record-origin.ts - at the stored version
 *   or a newer one. A record
 *   fetched before the deletion, or a delivered copy, proves nothing whatever its version: Zoho may
 *   have deleted the record after answering. The condition is inside the statement, which sees the
 *   committed deletion (ON CONFLICT locks the row), so no interleaving of fetch, deletion and apply
 *   restores a row deleted after the fetch (docs/deletions.md). Such an apply writes nothing and
 *   throws DeletedRowNeedsCheckError so that the caller asks Zoho again.
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
  const origin = currentRecordOrigin();
  const askedAt = origin?.kind === 'fetched' ? origin.askedAt : null;
  const liveGuard =
    version === null
      ? sql`${asText('t', compared)} IS DISTINCT FROM ${asText('excluded', compared)}`
      : isApplyingRepair()
        ? askedAt === null
          ? sql`t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time <= excluded.zoho_last_modified_time`
          : // Zoho's answer to a request made after the row was last written is Zoho's current record,
            // whatever version the row claims: a stored version ahead of it (a delivery that carried a
            // time Zoho never had) would otherwise hold the row against every repair.
            sql`t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time <= excluded.zoho_last_modified_time OR t.last_synced_at < ${askedAt}::timestamptz`
        : sql`t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time < excluded.zoho_last_modified_time`;
  const restoreGuard =
    version === null
      ? sql`greatest(t.deleted_at, t.last_synced_at) < ${askedAt}::timestamptz`
      : sql`greatest(t.deleted_at, t.last_synced_at) < ${askedAt}::timestamptz AND (t.zoho_last_modified_time IS NULL OR t.zoho_last_modified_time <= excluded.zoho_last_modified_time)`;
  const guard = sql`(t.deleted_at IS NULL AND (${liveGuard})) OR (t.deleted_at IS NOT NULL AND ${restoreGuard})`;

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
  const { rows: stored } = await sql<{ same: boolean | null; unproven_deletion: boolean }>`
SELECT zoho_last_modified_time = ${version}::timestamptz AS same,
       (deleted_at IS NOT NULL AND (greatest(deleted_at, last_synced_at) < ${askedAt}::timestamptz) IS NOT TRUE) AS unproven_deletion
FROM ${sql.table(table)} WHERE ${ref(key)} = ${row[key]}`.execute(tx);
  if (origin !== undefined && stored[0]?.unproven_deletion) throw new DeletedRowNeedsCheckError(table, String(row[key]));
  if (version === null) return { outcome: 'unchanged', id: null };
  return { outcome: stored[0]?.same === false ? 'stale' : 'unchanged', id: null };
}
