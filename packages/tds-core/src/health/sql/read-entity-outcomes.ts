import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface EntityOutcomes {
  entity_type: string;
  pending: number;
  processing: number;
  completed_last_24h: number;
  dead_lettered_last_24h: number;
}

/** Per entity type: what waits, what runs, and how the last 24 h of items ended. */
export async function readEntityOutcomes(db: Kysely<Database>): Promise<EntityOutcomes[]> {
  const { rows } = await sql<Record<keyof EntityOutcomes, string>>`
WITH queue AS (
  SELECT entity_type,
    count(*) FILTER (WHERE status = 'pending') AS pending,
    count(*) FILTER (WHERE status = 'processing') AS processing,
    count(*) FILTER (WHERE status = 'completed' AND completed_at > now() - interval '24 hours') AS completed_last_24h
  FROM tds_sync_queue
  WHERE status IN ('pending', 'processing') OR (status = 'completed' AND completed_at > now() - interval '24 hours')
  GROUP BY entity_type
),
dead AS (
  SELECT entity_type, count(*) AS dead_lettered_last_24h
  FROM tds_dead_letter_queue WHERE failed_at > now() - interval '24 hours'
  GROUP BY entity_type
)
SELECT coalesce(q.entity_type, d.entity_type) AS entity_type,
  coalesce(q.pending, 0) AS pending, coalesce(q.processing, 0) AS processing,
  coalesce(q.completed_last_24h, 0) AS completed_last_24h, coalesce(d.dead_lettered_last_24h, 0) AS dead_lettered_last_24h
FROM queue q FULL JOIN dead d ON d.entity_type = q.entity_type
ORDER BY 1`.execute(db);
  return rows.map((r) => ({
    entity_type: r.entity_type,
    pending: Number(r.pending),
    processing: Number(r.processing),
    completed_last_24h: Number(r.completed_last_24h),
    dead_lettered_last_24h: Number(r.dead_lettered_last_24h),
  }));
}
