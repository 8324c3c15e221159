import { sql, type RawBuilder } from 'kysely';
import type { WebhookEntityKey } from '../transform/entities';

/** What the entity table already holds for a delivered record. */
export interface StoredRecordState {
  /** A strictly newer version is stored: the delivery is stale (docs/deletions.md). */
  stale: boolean;
  /** The row is soft-deleted: a delivered copy proves nothing, whatever its version; only Zoho can say whether it is back. */
  deleted: boolean;
}

/** Where each kind of delivered record is stored with its version; movements (stock) are not stored. */
const storedIn: Partial<Record<WebhookEntityKey, { table: string; key: string }>> = {
  item: { table: 'products', key: 'zoho_item_id' },
  contact: { table: 'customers', key: 'zoho_contact_id' },
  invoice: { table: 'invoices', key: 'zoho_invoice_id' },
  bill: { table: 'bills', key: 'zoho_bill_id' },
  pricebook: { table: 'price_lists', key: 'zoho_pricebook_id' },
};

export interface DeliveredRecord {
  recordKey: WebhookEntityKey | undefined;
  zohoId: string;
  /** The delivered record's last_modified_time, null when it has none. */
  version: Date | string | null;
}

/**
 * The stored state of each delivered record that has one, as rows (ord: the record's index in
 * `records`, stale, deleted): one branch per table the batch touches, UNION ALL, so the intake
 * reads it in the same statement as its other reads (store-webhooks.ts). Null when no record is
 * of a stored kind. Read inside the intake transaction, after the record locks, so two deliveries
 * of one record decide one after the other.
 */
export function storedRecordStatesQuery(records: readonly DeliveredRecord[]): RawBuilder<{ ord: number; stale: boolean; deleted: boolean }> | null {
  const byTable = new Map<WebhookEntityKey, number[]>();
  records.forEach((r, index) => {
    if (r.recordKey && storedIn[r.recordKey]) byTable.set(r.recordKey, [...(byTable.get(r.recordKey) ?? []), index]);
  });
  if (byTable.size === 0) return null;
  const branches = [...byTable].map(([recordKey, indexes]) => {
    const { table, key } = storedIn[recordKey]!;
    return sql`
SELECT d.ord,
       (d.version IS NOT NULL AND t.zoho_last_modified_time > d.version) AS stale,
       t.deleted_at IS NOT NULL AS deleted
FROM unnest(${indexes.map((i) => records[i].zohoId)}::text[], ${indexes.map((i) => records[i].version)}::timestamptz[], ${indexes}::int[]) AS d(id, version, ord)
JOIN ${sql.table(table)} t ON t.${sql.ref(key)} = d.id`;
  });
  return sql<{ ord: number; stale: boolean; deleted: boolean }>`${sql.join(branches, sql`\nUNION ALL\n`)}`;
}

/** The rows of storedRecordStatesQuery, in input order (undefined: not stored, or a kind not stored). */
export function storedRecordStatesOf(count: number, rows: ReadonlyArray<{ ord: number; stale: boolean; deleted: boolean }>): Array<StoredRecordState | undefined> {
  const states = new Array<StoredRecordState | undefined>(count);
  for (const row of rows) states[Number(row.ord)] = { stale: row.stale, deleted: row.deleted };
  return states;
}
