import { sql, type Kysely } from 'kysely';

// Columns every entity table carries (docs/data-contract.md): the Zoho version applied, when it was
// synced, soft deletion, the record as Zoho sent it, and row bookkeeping.
const SYNC_COLUMNS = sql.raw(`
  zoho_last_modified_time timestamptz,
  last_synced_at          timestamptz,
  deleted_at              timestamptz,
  raw                     jsonb,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()`);

/**
 * The data contract (docs/data-contract.md). Money and quantities are unbounded numeric. products is
 * IF NOT EXISTS: the TSH ERP seed's products was adopted into this shape before this ran
 * (docs/seed-schema.md; its category_id foreign key is added by migration 0011).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE categories (
      id                       bigserial PRIMARY KEY,
      zoho_category_id         text NOT NULL UNIQUE,
      name                     text NOT NULL,
      parent_zoho_category_id  text,
      is_active                boolean NOT NULL DEFAULT true,
      ${SYNC_COLUMNS}
    )`.execute(db);

  await sql`
    CREATE TABLE IF NOT EXISTS products (
      id                bigserial PRIMARY KEY,
      zoho_item_id      text NOT NULL UNIQUE,
      name              text NOT NULL,
      name_ar           text,
      description       text,
      sku               text,
      barcode           text,
      available_stock   numeric,
      unit_price        numeric,
      consumer_price    numeric,
      wholesale_price   numeric,
      is_active         boolean NOT NULL DEFAULT true,
      category_id       bigint REFERENCES categories (id) ON DELETE SET NULL,
      zoho_category_id  text,
      ${SYNC_COLUMNS}
    )`.execute(db);
  await sql`CREATE INDEX products_category_id ON products (category_id)`.execute(db);
  await sql`CREATE INDEX products_zoho_category_id ON products (zoho_category_id)`.execute(db);
  await sql`CREATE INDEX products_sku ON products (sku)`.execute(db);

  await sql`
    CREATE TABLE customers (
      id                      bigserial PRIMARY KEY,
      zoho_contact_id         text NOT NULL UNIQUE,
      name                    text NOT NULL,
      company_name            text,
      email                   text,
      phone                   text,
      mobile                  text,
      currency_code           text,
      outstanding_receivable  numeric,
      payment_terms           integer,
      payment_terms_label     text,
      contact_type            text,
      is_active               boolean NOT NULL DEFAULT true,
      ${SYNC_COLUMNS}
    )`.execute(db);

  await sql`
    CREATE TABLE invoices (
      id                bigserial PRIMARY KEY,
      zoho_invoice_id   text NOT NULL UNIQUE,
      invoice_number    text,
      zoho_customer_id  text,
      customer_name     text,
      status            text,
      date              date,
      due_date          date,
      currency_code     text,
      sub_total         numeric,
      tax_total         numeric,
      total             numeric,
      balance           numeric,
      ${SYNC_COLUMNS}
    )`.execute(db);
  await sql`CREATE INDEX invoices_zoho_customer_id ON invoices (zoho_customer_id)`.execute(db);
  await sql`CREATE INDEX invoices_date ON invoices (date)`.execute(db);

  // Lines carry no foreign key to products or customers: a line may arrive before its item.
  await sql`
    CREATE TABLE invoice_lines (
      id                 bigserial PRIMARY KEY,
      zoho_line_item_id  text NOT NULL UNIQUE,
      zoho_invoice_id    text NOT NULL REFERENCES invoices (zoho_invoice_id) ON DELETE CASCADE,
      zoho_item_id       text,
      name               text,
      description        text,
      sku                text,
      quantity           numeric,
      rate               numeric,
      item_total         numeric,
      item_order         integer,
      ${SYNC_COLUMNS}
    )`.execute(db);
  await sql`CREATE INDEX invoice_lines_zoho_invoice_id ON invoice_lines (zoho_invoice_id)`.execute(db);
  await sql`CREATE INDEX invoice_lines_zoho_item_id ON invoice_lines (zoho_item_id)`.execute(db);

  await sql`
    CREATE TABLE bills (
      id               bigserial PRIMARY KEY,
      zoho_bill_id     text NOT NULL UNIQUE,
      bill_number      text,
      zoho_vendor_id   text,
      vendor_name      text,
      status           text,
      date             date,
      due_date         date,
      currency_code    text,
      sub_total        numeric,
      tax_total        numeric,
      total            numeric,
      balance          numeric,
      ${SYNC_COLUMNS}
    )`.execute(db);
  await sql`CREATE INDEX bills_zoho_vendor_id ON bills (zoho_vendor_id)`.execute(db);

  await sql`
    CREATE TABLE bill_lines (
      id                 bigserial PRIMARY KEY,
      zoho_line_item_id  text NOT NULL UNIQUE,
      zoho_bill_id       text NOT NULL REFERENCES bills (zoho_bill_id) ON DELETE CASCADE,
      zoho_item_id       text,
      name               text,
      description        text,
      sku                text,
      quantity           numeric,
      rate               numeric,
      item_total         numeric,
      item_order         integer,
      ${SYNC_COLUMNS}
    )`.execute(db);
  await sql`CREATE INDEX bill_lines_zoho_bill_id ON bill_lines (zoho_bill_id)`.execute(db);
  await sql`CREATE INDEX bill_lines_zoho_item_id ON bill_lines (zoho_item_id)`.execute(db);

  await sql`
    CREATE TABLE stock_levels (
      id                      bigserial PRIMARY KEY,
      zoho_item_id            text NOT NULL,
      zoho_location_id        text NOT NULL,
      location_name           text,
      stock_on_hand           numeric,
      available_stock         numeric,
      actual_available_stock  numeric,
      ${SYNC_COLUMNS},
      UNIQUE (zoho_item_id, zoho_location_id)
    )`.execute(db);

  await sql`
    CREATE TABLE price_lists (
      id                  bigserial PRIMARY KEY,
      zoho_pricebook_id   text NOT NULL UNIQUE,
      name                text NOT NULL,
      currency_code       text,
      pricebook_type      text,
      percentage          numeric,
      is_increase         boolean,
      is_active           boolean NOT NULL DEFAULT true,
      ${SYNC_COLUMNS}
    )`.execute(db);

  await sql`
    CREATE TABLE price_list_items (
      id                 bigserial PRIMARY KEY,
      zoho_pricebook_id  text NOT NULL REFERENCES price_lists (zoho_pricebook_id) ON DELETE CASCADE,
      zoho_item_id       text NOT NULL,
      rate               numeric,
      ${SYNC_COLUMNS},
      UNIQUE (zoho_pricebook_id, zoho_item_id)
    )`.execute(db);
  await sql`CREATE INDEX price_list_items_zoho_item_id ON price_list_items (zoho_item_id)`.execute(db);
}
