import { sql, type RawBuilder } from 'kysely';

/**
 * The seed's operation word of a queue row (docs/seed-schema.md), worked out inside the statement
 * that writes the row: the same answer as tds_seed_operation() (migration 0011), as one set-based
 * expression instead of a PL/pgSQL trigger call per row, which cost enqueue half its rate
 * (docs/queue-speed.md). The insert trigger only fills rows written without it.
 * 'delete' for a deletion; otherwise 'update' when the record's row exists, 'create' when not.
 */
export function seedOperationOf(operation: RawBuilder<unknown>, entityType: RawBuilder<unknown>, zohoId: RawBuilder<unknown>): RawBuilder<string> {
  // OFFSET 0: an index probe per row, as the trigger made, never a hashed scan of the whole table.
  const exists = (table: string, column: string) => sql`EXISTS (SELECT 1 FROM ${sql.table(table)} x WHERE ${sql.ref(`x.${column}`)} = ${zohoId} OFFSET 0)`;
  return sql<string>`CASE
  WHEN ${operation} = 'delete' THEN 'delete'
  WHEN CASE ${entityType}
    WHEN 'products' THEN ${exists('products', 'zoho_item_id')}
    WHEN 'customers' THEN ${exists('customers', 'zoho_contact_id')}
    WHEN 'invoices' THEN ${exists('invoices', 'zoho_invoice_id')}
    WHEN 'bills' THEN ${exists('bills', 'zoho_bill_id')}
    WHEN 'pricelists' THEN ${exists('price_lists', 'zoho_pricebook_id')}
    ELSE true
  END THEN 'update'
  ELSE 'create'
END`;
}
