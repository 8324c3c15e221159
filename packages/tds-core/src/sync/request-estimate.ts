import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { EntityType } from '../transform/entities';
import { readRateLimitStatus } from '../zoho-access/rate-limit-sql';
import { ENTITY_API, type ZohoApi } from './quota-stop';

const PAGE = 200;
const DETAILS_BATCH = 100;

/** What a full sync of some entities will likely cost on one API, against what is left of its daily quota. */
export interface RequestEstimate {
  api: ZohoApi;
  entities: EntityType[];
  /** Requests the full pass needs (from the last complete full run, else from the stored rows). */
  needed: number;
  /** Left today as Zoho last reported it; null when no response has told us yet. */
  remaining: number | null;
  resetAt: Date | null;
}

/** Requests a full pass over `rows` stored records costs when none is known yet to be unchanged. */
function fromStoredRows(entity: EntityType, rows: number): number {
  const pages = Math.max(1, Math.ceil(rows / PAGE));
  if (entity === 'products') return pages + Math.ceil(rows / DETAILS_BATCH); // itemdetails, 100 a request
  if (entity === 'invoices' || entity === 'bills') return pages + rows; // one detail GET per document (lines)
  if (entity === 'pricelists') return pages + rows; // each book's items
  return pages;
}

const TABLES: Partial<Record<EntityType, string>> = { products: 'products', stock: 'products', customers: 'customers', invoices: 'invoices', bills: 'bills', pricelists: 'price_lists' };

async function neededFor(db: Kysely<Database>, organizationId: string, entity: EntityType): Promise<number> {
  const last = await sql<{ n: string | null }>`
    SELECT (counts->>'requestsUsed') AS n FROM tds_sync_runs
    WHERE entity = ${entity} AND organization_id = ${organizationId} AND mode = 'full' AND status = 'succeeded'
    ORDER BY started_at DESC LIMIT 1`.execute(db);
  const known = Number(last.rows[0]?.n);
  if (Number.isFinite(known) && known > 0) return known;
  const table = TABLES[entity];
  if (!table) return 1;
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
  return fromStoredRows(entity, Number(rows[0]?.n ?? 0));
}

/**
 * An up-front estimate for `tds sync … --full` (docs/hardening.md, "When a daily quota runs
 * out"). A first sync into an empty database knows no sizes: its estimate is a floor.
 */
export async function estimateFullSync(db: Kysely<Database>, organizationId: string, entities: readonly EntityType[]): Promise<RequestEstimate[]> {
  const status = await readRateLimitStatus(db, organizationId, 60_000);
  const byApi = new Map<ZohoApi, RequestEstimate>();
  for (const entity of entities) {
    const api = ENTITY_API[entity];
    const reported = status.dailyByApi[api] ?? null;
    // A reset already past means a fresh day: what was reported then no longer applies.
    const quota = reported && reported.resetAt.getTime() > Date.now() ? reported : null;
    const current = byApi.get(api) ?? { api, entities: [], needed: 0, remaining: quota?.remaining ?? null, resetAt: quota?.resetAt ?? null };
    current.entities.push(entity);
    current.needed += await neededFor(db, organizationId, entity);
    byApi.set(api, current);
  }
  return [...byApi.values()];
}
