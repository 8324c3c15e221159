import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { ChangeCursorExpiredError, ChangeFeedInputError } from './errors';
import { sequenceChanges } from './sequence-changes';
import { changeEntities, type Change, type ChangeEntity, type ChangePage, type Cursor, type ReadChangesOptions } from './types';

export const MAX_READ_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

/** A cursor as a bigint decimal string; throws ChangeFeedInputError for anything else. */
export function cursorOf(value: Cursor): string {
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!/^\d{1,18}$/.test(text)) throw new ChangeFeedInputError(`a change cursor is a whole number of at least 0 (got ${JSON.stringify(String(value)).slice(0, 40)})`);
  return BigInt(text).toString();
}

export function entitiesOf(entities: readonly string[] | null | undefined): ChangeEntity[] | null {
  if (entities === undefined || entities === null || entities.length === 0) return null;
  for (const entity of entities) {
    if (!(changeEntities as readonly string[]).includes(entity)) {
      throw new ChangeFeedInputError(`unknown change feed entity ${JSON.stringify(entity).slice(0, 40)} (one of ${changeEntities.join(', ')})`);
    }
  }
  return [...new Set(entities)] as ChangeEntity[];
}

export function limitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) throw new ChangeFeedInputError(`limit must be a whole number from 1 to ${MAX_READ_LIMIT}`);
  return limit;
}

interface PageRow {
  purged_through: string;
  high: string | null;
  id: string | null;
  entity: ChangeEntity | null;
  zoho_id: string | null;
  op: Change['op'] | null;
  columns: string[] | null;
  zoho_last_modified_time: Date | null;
  at: Date | null;
}

/**
 * The committed changes after `after`, oldest first. The retention horizon, the page and the newest
 * id are read in one statement (one snapshot), so a purge running at the same time cannot remove
 * rows between the horizon check and the read. Throws ChangeCursorExpiredError for a cursor below
 * the horizon.
 */
export async function readChanges(db: Kysely<Database>, options: ReadChangesOptions = {}, consumer: string | null = null): Promise<ChangePage> {
  const after = options.after === undefined || options.after === null ? null : cursorOf(options.after);
  const limit = limitOf(options.limit);
  const entities = entitiesOf(options.entities);
  await sequenceChanges(db);
  const filter = entities === null ? sql`` : sql`AND c.entity = ANY(${entities}::text[])`;
  const { rows } = await sql<PageRow>`
WITH state AS (SELECT purged_through FROM tds_change_feed_state),
     start AS (SELECT coalesce(${after}::bigint, (SELECT purged_through FROM state)) AS after)
SELECT (SELECT purged_through FROM state)::text AS purged_through,
       (SELECT max(id) FROM tds_changes)::text AS high,
       p.id::text AS id, p.entity, p.zoho_id, p.op, p.columns, p.zoho_last_modified_time, p.at
FROM (SELECT 1) one
LEFT JOIN LATERAL (
  SELECT c.* FROM tds_changes c
  WHERE c.id > (SELECT after FROM start) ${filter}
  ORDER BY c.id LIMIT ${limit}
) p ON true
ORDER BY p.id`.execute(db);
  const purgedThrough = rows[0]?.purged_through ?? '0';
  const from = after ?? purgedThrough;
  if (BigInt(from) < BigInt(purgedThrough)) throw new ChangeCursorExpiredError(from, purgedThrough, consumer);
  const changes: Change[] = rows
    .filter((r) => r.id !== null)
    .map((r) => ({
      id: r.id as string,
      entity: r.entity as ChangeEntity,
      zoho_id: r.zoho_id as string,
      op: r.op as Change['op'],
      columns: r.columns ?? [],
      zoho_last_modified_time: r.zoho_last_modified_time?.toISOString() ?? null,
      at: (r.at as Date).toISOString(),
    }));
  const high = rows[0]?.high ?? null;
  let cursor = changes.length === limit ? changes[changes.length - 1].id : high !== null && BigInt(high) > BigInt(from) ? high : from;
  if (changes.length > 0 && BigInt(changes[changes.length - 1].id) > BigInt(cursor)) cursor = changes[changes.length - 1].id;
  return { changes, cursor };
}
