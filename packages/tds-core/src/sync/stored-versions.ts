import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The version each of these records has in its table (null: stored without one); absent ids are not
 * stored. A soft-deleted row counts as stored without a version: Zoho listing the record means it
 * is live, so it is fetched and applied (which restores it) whatever its version (docs/deletions.md).
 */
export async function storedVersions(db: Kysely<Database>, table: string, key: string, ids: readonly string[]): Promise<Map<string, number | null>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; version: Date | null }>`
SELECT ${sql.ref(key)} AS id, CASE WHEN deleted_at IS NULL THEN zoho_last_modified_time END AS version
FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ANY(${[...ids]}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.version === null ? null : r.version.getTime()]));
}

/**
 * How a listed version compares with the stored one: 'newer' must be fetched and applied; 'same'
 * is already applied; 'older' is stale. A record without a version, or stored without one, is newer.
 */
export function compareVersion(listed: string | null, stored: number | null | undefined): 'newer' | 'same' | 'older' {
  if (listed === null || stored === undefined || stored === null) return 'newer';
  const at = Date.parse(listed);
  if (Number.isNaN(at) || at > stored) return 'newer';
  return at === stored ? 'same' : 'older';
}
