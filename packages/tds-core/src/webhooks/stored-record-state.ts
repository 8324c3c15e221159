import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
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
 * The stored state of each delivered record, in input order (undefined: not stored, or a kind not
 * stored). One statement per table the batch touches. Read inside the intake transaction, after the
 * record locks, so two deliveries of one record decide one after the other.
 */
export async function storedRecordStates(trx: Transaction<Database>, records: readonly DeliveredRecord[]): Promise<Array<StoredRecordState | undefined>> {
  const states = new Array<StoredRecordState | undefined>(records.length);
  const byTable = new Map<string, number[]>();
  records.forEach((r, index) => {
    const spec = r.recordKey && storedIn[r.recordKey];
    if (spec) byTable.set(r.recordKey!, [...(byTable.get(r.recordKey!) ?? []), index]);
  });
  for (const [recordKey, indexes] of byTable) {
    const { table, key } = storedIn[recordKey as WebhookEntityKey]!;
    const { rows } = await sql<{ ord: number; stale: boolean; deleted: boolean }>`
SELECT d.ord,
       (d.version IS NOT NULL AND t.zoho_last_modified_time > d.version) AS stale,
       t.deleted_at IS NOT NULL AS deleted
FROM unnest(${indexes.map((i) => records[i].zohoId)}::text[], ${indexes.map((i) => records[i].version)}::timestamptz[], ${indexes}::int[]) AS d(id, version, ord)
JOIN ${sql.table(table)} t ON t.${sql.ref(key)} = d.id`.execute(trx);
    for (const row of rows) states[Number(row.ord)] = { stale: row.stale, deleted: row.deleted };
  }
  return states;
}
