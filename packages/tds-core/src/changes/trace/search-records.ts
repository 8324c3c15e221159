import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { ChangeFeedInputError } from '../errors';
import type { TraceEntity } from './trace-record';

/** One record a search found: what to pass to trace(), and what to show a person choosing it. */
export interface RecordMatch {
  entity: TraceEntity;
  zoho_id: string;
  /** Name, invoice or bill number. */
  label: string | null;
  /** SKU, customer or vendor name. */
  detail: string | null;
  deleted: boolean;
  /** How it matched: the Zoho id exactly, the SKU or document number exactly, or part of the name. */
  matched: 'zoho_id' | 'number' | 'name';
}

const MAX_RESULTS = 25;

/** `%` and `_` in a person's text are letters, not wildcards. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Finds records to trace by Zoho id, SKU, invoice/bill number (exact, any case) or part of a name
 * (docs/change-feed.md, "Trace one record"). A Zoho id that is in the queue but not (or no longer)
 * stored is found too, so a record that only ever failed can still be traced. At most 25, exact
 * matches first.
 */
export async function searchRecords(db: Kysely<Database>, query: string): Promise<RecordMatch[]> {
  const q = typeof query === 'string' ? query.trim() : '';
  if (q.length === 0 || q.length > 100) throw new ChangeFeedInputError('a search is 1-100 characters');
  const part = `%${likeEscaped(q)}%`;
  const { rows } = await sql<RecordMatch & { rank: number }>`
    WITH found AS (
      SELECT 'products' AS entity, zoho_item_id AS zoho_id, name AS label, sku AS detail, deleted_at IS NOT NULL AS deleted,
             CASE WHEN zoho_item_id = ${q} THEN 'zoho_id' WHEN lower(sku) = lower(${q}) THEN 'number' ELSE 'name' END AS matched
      FROM products WHERE zoho_item_id = ${q} OR lower(sku) = lower(${q}) OR name ILIKE ${part} OR name_ar ILIKE ${part}
      UNION ALL
      SELECT 'categories', zoho_category_id, name, NULL, deleted_at IS NOT NULL, CASE WHEN zoho_category_id = ${q} THEN 'zoho_id' ELSE 'name' END
      FROM categories WHERE zoho_category_id = ${q} OR name ILIKE ${part}
      UNION ALL
      SELECT 'customers', zoho_contact_id, name, company_name, deleted_at IS NOT NULL, CASE WHEN zoho_contact_id = ${q} THEN 'zoho_id' ELSE 'name' END
      FROM customers WHERE zoho_contact_id = ${q} OR name ILIKE ${part} OR company_name ILIKE ${part}
      UNION ALL
      SELECT 'invoices', zoho_invoice_id, invoice_number, customer_name, deleted_at IS NOT NULL, CASE WHEN zoho_invoice_id = ${q} THEN 'zoho_id' ELSE 'number' END
      FROM invoices WHERE zoho_invoice_id = ${q} OR lower(invoice_number) = lower(${q})
      UNION ALL
      SELECT 'bills', zoho_bill_id, bill_number, vendor_name, deleted_at IS NOT NULL, CASE WHEN zoho_bill_id = ${q} THEN 'zoho_id' ELSE 'number' END
      FROM bills WHERE zoho_bill_id = ${q} OR lower(bill_number) = lower(${q})
      UNION ALL
      SELECT 'pricelists', zoho_pricebook_id, name, currency_code, deleted_at IS NOT NULL, CASE WHEN zoho_pricebook_id = ${q} THEN 'zoho_id' ELSE 'name' END
      FROM price_lists WHERE zoho_pricebook_id = ${q} OR name ILIKE ${part}
    ), queued AS (
      SELECT DISTINCT CASE WHEN entity_type = 'stock' THEN 'products' ELSE entity_type END AS entity, zoho_id
      FROM tds_sync_queue WHERE zoho_id = ${q} AND entity_type IN ('products', 'stock', 'customers', 'invoices', 'bills', 'pricelists')
    )
    SELECT entity, zoho_id, label, detail, deleted, matched, CASE matched WHEN 'name' THEN 1 ELSE 0 END AS rank FROM found
    UNION ALL
    SELECT q.entity, q.zoho_id, NULL, NULL, false, 'zoho_id', 0 FROM queued q
    WHERE NOT EXISTS (SELECT FROM found f WHERE f.entity = q.entity AND f.zoho_id = q.zoho_id)
    ORDER BY rank, entity, label NULLS LAST, zoho_id
    LIMIT ${MAX_RESULTS}`.execute(db);
  return rows.map(({ rank: _rank, ...match }) => match);
}
