import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

export type StoredRow = Record<string, unknown> & { deleted_at: Date | null };

/** The stored rows of these Zoho ids (soft-deleted ones included), by Zoho id. Read-only. */
export async function readStoredRows(db: Kysely<Database>, table: string, key: string, columns: readonly string[], ids: readonly string[]): Promise<Map<string, StoredRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<StoredRow & { zoho_key: string }>`
SELECT ${sql.ref(key)} AS zoho_key, ${sql.join(columns.map((c) => sql.ref(c)))}, deleted_at
FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ANY(${[...ids]}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.zoho_key, r]));
}

/** Active (not soft-deleted) child rows of these parents, grouped by parent id then child id. */
export async function readStoredChildren(
  db: Kysely<Database>,
  table: string,
  parentKey: string,
  childKey: string,
  columns: readonly string[],
  parentIds: readonly string[],
): Promise<Map<string, Map<string, Record<string, unknown>>>> {
  const grouped = new Map<string, Map<string, Record<string, unknown>>>();
  if (parentIds.length === 0) return grouped;
  const { rows } = await sql<Record<string, unknown> & { parent_key: string; child_key: string }>`
SELECT ${sql.ref(parentKey)} AS parent_key, ${sql.ref(childKey)} AS child_key, ${sql.join(columns.map((c) => sql.ref(c)))}
FROM ${sql.table(table)} WHERE ${sql.ref(parentKey)} = ANY(${[...parentIds]}::text[]) AND deleted_at IS NULL`.execute(db);
  for (const row of rows) {
    const children = grouped.get(row.parent_key) ?? new Map<string, Record<string, unknown>>();
    children.set(row.child_key, row);
    grouped.set(row.parent_key, children);
  }
  return grouped;
}

/** Zoho ids of the rows active here (not soft-deleted; rows without a Zoho id are the ERP's own: docs/seed-schema.md). */
export async function readActiveIds(db: Kysely<Database>, table: string, key: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT ${sql.ref(key)} AS id FROM ${sql.table(table)} WHERE deleted_at IS NULL AND ${sql.ref(key)} IS NOT NULL`.execute(db);
  return rows.map((r) => r.id);
}

/** How many rows are active here: the size estimate a sampled list is drawn from. */
export async function countActive(db: Kysely<Database>, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)} WHERE deleted_at IS NULL`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Which of these ids have an active row here. */
export async function activeAmong(db: Kysely<Database>, table: string, key: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
SELECT ${sql.ref(key)} AS id FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ANY(${[...ids]}::text[]) AND deleted_at IS NULL`.execute(db);
  return new Set(rows.map((r) => r.id));
}
