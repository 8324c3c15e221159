import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db';
import type { CapturedWebhook } from './webhook-relay';

// When the chaos run ends with a record unlike Zoho, the assertion says only that it differs. This
// prints what led there — the webhooks Zoho sent for it, the inbox rows, every queue item (kept
// history included), dead letters and change-feed rows — so one failing run is enough to find the cause.

const time = (value: unknown) => (value instanceof Date ? value.toISOString().slice(11, 23) : value === null || value === undefined ? '-' : String(value));

function rowsText(title: string, rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return `  ${title}: none`;
  return [`  ${title}:`, ...rows.map((row) => `    ${Object.entries(row).map(([key, value]) => `${key}=${time(value)}`).join(' ')}`)].join('\n');
}

/** The history of one product, as text. */
export async function productHistory(db: Kysely<Database>, zohoItemId: string, captured: readonly CapturedWebhook[]): Promise<string> {
  const sent = captured
    .filter((w) => w.record === `products:${zohoItemId}`)
    .map((w) => ({ seq: w.seq, method: w.method, version: w.version === null ? null : new Date(w.version) }));
  const [product, inbox, queue, dead, changes] = await Promise.all([
    sql<Record<string, unknown>>`
      SELECT zoho_last_modified_time, deleted_at, is_active, sync_status, updated_at FROM products WHERE zoho_item_id = ${zohoItemId}`.execute(db),
    sql<Record<string, unknown>>`
      SELECT id, received_at, method, event, signature_ok, queue_item_id, error FROM tds_webhook_events WHERE entity = 'products' AND zoho_id = ${zohoItemId} ORDER BY id`.execute(db),
    sql<Record<string, unknown>>`
      SELECT id, operation, source, status, retry_count, zoho_last_modified_time AS version, payload IS NOT NULL AS has_payload,
             created_at, updated_at, completed_at, locked_by, left(last_error, 200) AS last_error
      FROM tds_sync_queue WHERE entity_type = 'products' AND zoho_id = ${zohoItemId} ORDER BY id`.execute(db),
    sql<Record<string, unknown>>`
      SELECT id, operation, source, failed_at, resolved_at, left(error, 200) AS error FROM tds_dead_letter_queue WHERE entity_type = 'products' AND zoho_id = ${zohoItemId} ORDER BY id`.execute(db),
    sql<Record<string, unknown>>`
      SELECT id, op, columns, zoho_last_modified_time AS version, at FROM tds_changes WHERE entity = 'products' AND zoho_id = ${zohoItemId} ORDER BY entry`.execute(db),
  ]);
  return [
    `product ${zohoItemId}`,
    rowsText('row now', product.rows),
    rowsText('webhooks Zoho sent (relay)', sent),
    rowsText('inbox', inbox.rows),
    rowsText('queue items', queue.rows),
    rowsText('dead letters', dead.rows),
    rowsText('change feed', changes.rows),
  ].join('\n');
}
