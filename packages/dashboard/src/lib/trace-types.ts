// The shapes of the trace routes (GET /api/tds/trace/search, /api/tds/trace/:entity/:id) and of
// health's change_webhook, as JSON (docs/change-feed.md, "Trace one record", "Outgoing webhook").

export type TraceEntity = 'products' | 'stock' | 'categories' | 'customers' | 'invoices' | 'bills' | 'pricelists';

export interface RecordMatch {
  entity: TraceEntity;
  zoho_id: string;
  label: string | null;
  detail: string | null;
  deleted: boolean;
  matched: 'zoho_id' | 'number' | 'name';
}

export type TraceEvent =
  | { at: string; kind: 'webhook'; id: string; outcome: 'accepted' | 'stale' | 'logged'; method: string; event: string | null; queue_item_id: string | null; note: string | null }
  | { at: string; kind: 'queue'; id: string; operation: string; source: string; status: string; attempts: number; max_retries: number; last_error: string | null; completed_at: string | null }
  | { at: string; kind: 'change'; id: string | null; op: string; columns: string[]; zoho_last_modified_time: string | null }
  | { at: string; kind: 'dead_letter'; id: string; operation: string; error: string; attempts: number; resolved_at: string | null; resolution_note: string | null; retried_at: string | null }
  | { at: string; kind: 'verify'; run_id: string; entity: string; result: 'drifted' | 'missing' | 'extra' | 'repaired'; columns: string[] };

export interface RecordTrace {
  entity: TraceEntity;
  zoho_id: string;
  stored: { name: string | null; zoho_last_modified_time: string | null; last_synced_at: string | null; deleted_at: string | null } | null;
  timeline: TraceEvent[];
}

/** health.change_webhook: present only when TDS_CHANGES_WEBHOOK_URL is set; never holds the URL. */
export interface ChangeWebhookStatus {
  cursor: string | null;
  lag: number | null;
  failures: number;
  last_error: string | null;
  last_error_at: string | null;
  delivered_at: string | null;
}
