import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface LastSync {
  entity: string;
  last_sync_at: Date | null;
  age_seconds: number | null;
}

/**
 * When each entity last synced: the latest of its full and incremental sync runs (tds_sync_state)
 * and of the queue items of that entity applied (webhooks, reconciliation).
 */
export async function readLastSyncs(db: Kysely<Database>, organizationId: string, entities: readonly string[]): Promise<LastSync[]> {
  const { rows } = await sql<{ entity: string; last_sync_at: Date | null; age_seconds: number | null }>`
SELECT e.entity,
  greatest(s.last_full_sync_at, s.last_incremental_sync_at, q.last_completed_at) AS last_sync_at,
  extract(epoch FROM now() - greatest(s.last_full_sync_at, s.last_incremental_sync_at, q.last_completed_at))::float8 AS age_seconds
FROM unnest(${[...entities]}::text[]) WITH ORDINALITY AS e(entity, position)
LEFT JOIN tds_sync_state s ON s.entity = e.entity AND s.organization_id = ${organizationId}
LEFT JOIN LATERAL (
  SELECT max(completed_at) AS last_completed_at FROM tds_sync_queue WHERE status = 'completed' AND entity_type = e.entity
) q ON true
ORDER BY e.position`.execute(db);
  return rows.map((r) => ({ entity: r.entity, last_sync_at: r.last_sync_at, age_seconds: r.age_seconds === null ? null : Math.max(0, r.age_seconds) }));
}
