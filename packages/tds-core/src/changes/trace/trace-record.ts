import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { ChangeFeedInputError } from '../errors';
import type { ChangeEntity } from '../types';

/** What `tds trace` accepts: the queue's entity names, plus categories (docs/change-feed.md, "Trace"). */
export const traceEntities = ['products', 'stock', 'categories', 'customers', 'invoices', 'bills', 'pricelists'] as const;
export type TraceEntity = (typeof traceEntities)[number];

const TABLES: Record<TraceEntity, { table: string; key: string; feed: ChangeEntity; queue: string[] }> = {
  products: { table: 'products', key: 'zoho_item_id', feed: 'products', queue: ['products', 'stock'] },
  stock: { table: 'products', key: 'zoho_item_id', feed: 'products', queue: ['products', 'stock'] },
  categories: { table: 'categories', key: 'zoho_category_id', feed: 'categories', queue: [] },
  customers: { table: 'customers', key: 'zoho_contact_id', feed: 'customers', queue: ['customers'] },
  invoices: { table: 'invoices', key: 'zoho_invoice_id', feed: 'invoices', queue: ['invoices'] },
  bills: { table: 'bills', key: 'zoho_bill_id', feed: 'bills', queue: ['bills'] },
  pricelists: { table: 'price_lists', key: 'zoho_pricebook_id', feed: 'pricelists', queue: ['pricelists'] },
};

export type TraceEvent =
  | { at: string; kind: 'webhook'; id: string; outcome: 'accepted' | 'stale' | 'logged'; method: string; event: string | null; queue_item_id: string | null; note: string | null }
  | { at: string; kind: 'queue'; id: string; operation: string; source: string; status: string; attempts: number; max_retries: number; last_error: string | null; completed_at: string | null }
  | { at: string; kind: 'change'; id: string | null; op: string; columns: string[]; zoho_last_modified_time: string | null }
  | { at: string; kind: 'dead_letter'; id: string; operation: string; error: string; attempts: number; resolved_at: string | null; resolution_note: string | null; retried_at: string | null }
  | { at: string; kind: 'verify'; run_id: string; entity: string; result: 'drifted' | 'missing' | 'extra' | 'repaired'; columns: string[] };

export interface RecordTrace {
  entity: TraceEntity;
  zoho_id: string;
  /** The stored row's bookkeeping, or null when no row exists. */
  stored: { name: string | null; zoho_last_modified_time: string | null; last_synced_at: string | null; deleted_at: string | null } | null;
  /** Everything TDS recorded about the record, oldest first. */
  timeline: TraceEvent[];
}

const iso = (value: Date | null) => value?.toISOString() ?? null;

/**
 * One record's timeline from what TDS keeps (docs/change-feed.md, "Trace one record"): its webhook
 * inbox rows (accepted or stale; a duplicate is folded into the delivery it repeats and refused
 * deliveries store nothing), its queue items with attempts and last error, the versions applied
 * with the columns they changed (the feed, within its retention), dead letters and their
 * resolution, and what verify runs said about it. Read-only.
 */
export async function traceRecord(db: Kysely<Database>, entity: string, zohoId: string): Promise<RecordTrace> {
  if (!(traceEntities as readonly string[]).includes(entity)) throw new ChangeFeedInputError(`unknown entity ${JSON.stringify(entity).slice(0, 40)} (one of ${traceEntities.join(', ')})`);
  if (typeof zohoId !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(zohoId)) throw new ChangeFeedInputError('a Zoho id is 1-100 letters, digits, ".", "_", ":" or "-"');
  const spec = TABLES[entity as TraceEntity];
  const hasName = spec.table !== 'invoices' && spec.table !== 'bills';
  const [stored, webhooks, queue, changes, dead, verify] = await Promise.all([
    sql<{ name: string | null; zoho_last_modified_time: Date | null; last_synced_at: Date | null; deleted_at: Date | null }>`
      SELECT ${hasName ? sql`name` : sql`NULL::text AS name`}, zoho_last_modified_time, last_synced_at, deleted_at
      FROM ${sql.table(spec.table)} WHERE ${sql.ref(spec.key)} = ${zohoId}`.execute(db),
    db.selectFrom('tds_webhook_events').selectAll().where('entity', 'in', spec.queue.length > 0 ? spec.queue : ['-']).where('zoho_id', '=', zohoId).orderBy('id').limit(500).execute(),
    db.selectFrom('tds_sync_queue').selectAll().where('entity_type', 'in', spec.queue.length > 0 ? spec.queue : ['-']).where('zoho_id', '=', zohoId).orderBy('id').limit(500).execute(),
    db.selectFrom('tds_changes').selectAll().where('entity', '=', spec.feed).where('zoho_id', '=', zohoId).orderBy('entry').limit(1000).execute(),
    db.selectFrom('tds_dead_letter_queue').selectAll().where('entity_type', 'in', spec.queue.length > 0 ? spec.queue : ['-']).where('zoho_id', '=', zohoId).orderBy('id').limit(500).execute(),
    sql<{ id: string; finished_at: Date; report: { entities?: Array<Record<string, unknown>> } }>`
      SELECT id::text, finished_at, report FROM tds_verify_runs WHERE strpos(report::text, ${`"${zohoId}"`}) > 0 ORDER BY id DESC LIMIT 50`
      .execute(db)
      .catch(() => ({ rows: [] })),
  ]);
  const timeline: TraceEvent[] = [
    ...webhooks.map((w): TraceEvent => ({
      at: w.received_at.toISOString(),
      kind: 'webhook',
      id: w.id,
      outcome: w.queue_item_id !== null ? 'accepted' : w.error?.startsWith('stale') ? 'stale' : 'logged',
      method: w.method,
      event: w.event,
      queue_item_id: w.queue_item_id,
      note: w.error,
    })),
    ...queue.map((q): TraceEvent => ({
      at: q.created_at.toISOString(),
      kind: 'queue',
      id: q.id,
      operation: q.operation,
      source: q.source,
      status: q.status,
      attempts: q.retry_count,
      max_retries: q.max_retries,
      last_error: q.last_error,
      completed_at: iso(q.completed_at),
    })),
    ...changes.map((c): TraceEvent => ({ at: c.at.toISOString(), kind: 'change', id: c.id, op: c.op, columns: c.columns, zoho_last_modified_time: iso(c.zoho_last_modified_time) })),
    ...dead.map((d): TraceEvent => ({
      at: d.failed_at.toISOString(),
      kind: 'dead_letter',
      id: d.id,
      operation: d.operation,
      error: d.error,
      attempts: d.retry_count,
      resolved_at: iso(d.resolved_at),
      resolution_note: d.resolution_note,
      retried_at: iso(d.retried_at),
    })),
    ...verify.rows.flatMap((run) => verifyEvents(run, entity as TraceEntity, zohoId)),
  ];
  timeline.sort((a, b) => a.at.localeCompare(b.at));
  const row = stored.rows[0];
  return {
    entity: entity as TraceEntity,
    zoho_id: zohoId,
    stored: row ? { name: row.name, zoho_last_modified_time: iso(row.zoho_last_modified_time), last_synced_at: iso(row.last_synced_at), deleted_at: iso(row.deleted_at) } : null,
    timeline,
  };
}

function verifyEvents(run: { id: string; finished_at: Date; report: { entities?: Array<Record<string, unknown>> } }, entity: TraceEntity, zohoId: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const e of run.report.entities ?? []) {
    const name = String(e.entity);
    if (name !== entity && !(entity === 'products' && name === 'stock') && !(entity === 'stock' && name === 'products')) continue;
    const at = run.finished_at.toISOString();
    const drifted = (e.drifted as Array<{ zoho_id: string; columns: Array<{ column: string }> }> | undefined)?.find((d) => d.zoho_id === zohoId);
    if (drifted) events.push({ at, kind: 'verify', run_id: run.id, entity: name, result: 'drifted', columns: drifted.columns.map((c) => c.column) });
    for (const result of ['missing', 'extra', 'repaired'] as const) {
      if ((e[result] as string[] | undefined)?.includes(zohoId)) events.push({ at, kind: 'verify', run_id: run.id, entity: name, result, columns: [] });
    }
  }
  return events;
}
