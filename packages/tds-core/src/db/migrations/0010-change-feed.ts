import { sql, type Kysely } from 'kysely';

/**
 * The change feed (docs/change-feed.md): tds_changes, the consumers' cursors, and statement-level
 * AFTER triggers on the contract tables that append one row per changed record per transaction.
 *
 * Triggers rather than calls in the apply code: every path that writes a contract row (apply, soft
 * delete, restore, price refreshes, stock rows, lines, verify repairs, a person's SQL) is covered,
 * and a change commits or rolls back with its feed row because both are in one transaction. The
 * transition tables let one INSERT … SELECT compare the old and new contract columns of a whole
 * statement at once; bookkeeping columns (raw, updated_at, last_synced_at, the version) never count.
 *
 * The definition is frozen here, as every shipped migration must be: a later change of the
 * contract columns is a new migration that replaces these functions.
 */

interface ParentTable {
  table: string;
  entity: string;
  key: string;
  columns: readonly string[];
}

interface ChildTable {
  table: string;
  /** The parent's feed entity, its key column in this table, and the column name the change is reported as. */
  entity: string;
  parentKey: string;
  reportedAs: string;
  columns: readonly string[];
}

const PARENTS: readonly ParentTable[] = [
  {
    table: 'products',
    entity: 'products',
    key: 'zoho_item_id',
    columns: ['name', 'name_ar', 'description', 'sku', 'barcode', 'available_stock', 'unit_price', 'consumer_price', 'wholesale_price', 'is_active', 'category_id', 'zoho_category_id'],
  },
  { table: 'categories', entity: 'categories', key: 'zoho_category_id', columns: ['name', 'parent_zoho_category_id', 'is_active'] },
  {
    table: 'customers',
    entity: 'customers',
    key: 'zoho_contact_id',
    columns: ['name', 'company_name', 'email', 'phone', 'mobile', 'currency_code', 'outstanding_receivable', 'payment_terms', 'payment_terms_label', 'contact_type', 'is_active'],
  },
  {
    table: 'invoices',
    entity: 'invoices',
    key: 'zoho_invoice_id',
    columns: ['invoice_number', 'zoho_customer_id', 'customer_name', 'status', 'date', 'due_date', 'currency_code', 'sub_total', 'tax_total', 'total', 'balance'],
  },
  {
    table: 'bills',
    entity: 'bills',
    key: 'zoho_bill_id',
    columns: ['bill_number', 'zoho_vendor_id', 'vendor_name', 'status', 'date', 'due_date', 'currency_code', 'sub_total', 'tax_total', 'total', 'balance'],
  },
  {
    table: 'price_lists',
    entity: 'pricelists',
    key: 'zoho_pricebook_id',
    columns: ['name', 'currency_code', 'pricebook_type', 'percentage', 'is_increase', 'is_active', 'rounding_type'],
  },
];

const LINE_COLUMNS = ['zoho_item_id', 'name', 'description', 'sku', 'quantity', 'rate', 'item_total', 'item_order'];

const CHILDREN: readonly ChildTable[] = [
  { table: 'invoice_lines', entity: 'invoices', parentKey: 'zoho_invoice_id', reportedAs: 'lines', columns: LINE_COLUMNS },
  { table: 'bill_lines', entity: 'bills', parentKey: 'zoho_bill_id', reportedAs: 'lines', columns: LINE_COLUMNS },
  { table: 'stock_levels', entity: 'products', parentKey: 'zoho_item_id', reportedAs: 'stock', columns: ['location_name', 'stock_on_hand', 'available_stock', 'actual_available_stock'] },
  { table: 'price_list_items', entity: 'pricelists', parentKey: 'zoho_pricebook_id', reportedAs: 'entries', columns: ['rate'] },
];

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const textArray = (items: readonly string[]) => `ARRAY[${items.map(quote).join(', ')}]::text[]`;

/**
 * One row per record and transaction: a second statement of the same transaction (the product's
 * prices after its upsert, its stock rows, an invoice's lines) merges into the row already there.
 * A deletion wins; an insert stays an insert; a restore after a deletion in the same transaction
 * makes it an update again. Column names are kept sorted, so one change always reads the same.
 */
const MERGED_OP = `CASE
      WHEN excluded.op = 'delete' THEN 'delete'
      WHEN excluded.op = 'insert' OR c.op = 'insert' THEN 'insert'
      WHEN c.op = 'delete' AND 'deleted_at' = ANY (excluded.columns) THEN 'update'
      ELSE c.op END`;
// A merge that would change nothing (an insert's prices refreshed in the same transaction, a second
// stock statement) only locks the row instead of writing a new version of it and its index entries.
const MERGE = `
  ON CONFLICT (xid, entity, zoho_id) WHERE id IS NULL DO UPDATE SET
    op = ${MERGED_OP},
    columns = ARRAY(SELECT DISTINCT x COLLATE "C" FROM unnest(c.columns || excluded.columns) AS x ORDER BY 1),
    zoho_last_modified_time = greatest(c.zoho_last_modified_time, excluded.zoho_last_modified_time)
  WHERE NOT (excluded.columns <@ c.columns)
     OR ${MERGED_OP} <> c.op
     OR greatest(c.zoho_last_modified_time, excluded.zoho_last_modified_time) IS DISTINCT FROM c.zoho_last_modified_time`;

// NOTIFY inside a transaction is delivered at commit (and never on rollback); repeats of the same
// payload within one transaction are folded into one.
const NOTIFY = `IF FOUND THEN PERFORM pg_notify('tds_changes', ''); END IF;`;

/**
 * A statement-level trigger fires even when its statement touched no row, and an upsert fires both
 * its INSERT and its UPDATE trigger, one of them with an empty transition table: a product apply
 * makes about eight calls, most with nothing to report. Returning before the INSERT … ON CONFLICT
 * (whose executor start alone opens tds_changes and its indexes) keeps those calls cheap
 * (docs/change-feed.md, "What it costs").
 */
function fn(name: string, transitionTable: 'new_rows' | 'old_rows', body: string): string {
  return `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT FROM ${transitionTable}) THEN RETURN NULL; END IF;
${body}
  ${NOTIFY}
  RETURN NULL;
END
$fn$`;
}

const differs = (column: string) => `CASE WHEN o.${ident(column)} IS DISTINCT FROM n.${ident(column)} THEN ${quote(column)} END`;

function parentFunctions(p: ParentTable): string[] {
  const columns = [...p.columns, 'deleted_at'].sort();
  // One row comparison first (column by column, numeric by value), so the per-column array is built
  // only for rows that changed: an unchanged re-apply touches only bookkeeping columns.
  const watched = (alias: string) => columns.map((column) => (column === 'deleted_at' ? `${alias}.deleted_at IS NULL` : `${alias}.${ident(column)}`)).join(', ');
  const changedColumn = (column: string) =>
    column === 'deleted_at' ? `CASE WHEN (o.deleted_at IS NULL) <> (n.deleted_at IS NULL) THEN 'deleted_at' END` : differs(column);
  const insert = fn(
    `tds_changes_${p.table}_inserted`,
    'new_rows',
    `  INSERT INTO tds_changes AS c (entity, zoho_id, op, columns, zoho_last_modified_time)
  SELECT ${quote(p.entity)}, n.${ident(p.key)}, CASE WHEN n.deleted_at IS NULL THEN 'insert' ELSE 'delete' END,
         ${textArray([...p.columns].sort())}, n.zoho_last_modified_time
  FROM new_rows n
  ${MERGE};`,
  );
  const update = fn(
    `tds_changes_${p.table}_updated`,
    'new_rows',
    `  INSERT INTO tds_changes AS c (entity, zoho_id, op, columns, zoho_last_modified_time)
  SELECT ${quote(p.entity)}, d.zoho_id, d.op, d.columns, d.version FROM (
    SELECT n.${ident(p.key)} AS zoho_id,
           CASE WHEN o.deleted_at IS NULL AND n.deleted_at IS NOT NULL THEN 'delete' ELSE 'update' END AS op,
           array_remove(ARRAY[${columns.map(changedColumn).join(',\n             ')}]::text[], NULL) AS columns,
           n.zoho_last_modified_time AS version
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (${watched('o')}) IS DISTINCT FROM (${watched('n')})
  ) d
  WHERE cardinality(d.columns) > 0
  ${MERGE};`,
  );
  const remove = fn(
    `tds_changes_${p.table}_deleted`,
    'old_rows',
    `  INSERT INTO tds_changes AS c (entity, zoho_id, op, columns, zoho_last_modified_time)
  SELECT ${quote(p.entity)}, o.${ident(p.key)}, 'delete', ARRAY['deleted_at']::text[], o.zoho_last_modified_time
  FROM old_rows o WHERE o.deleted_at IS NULL
  ${MERGE};`,
  );
  return [insert, update, remove];
}

function childFunctions(c: ChildTable): string[] {
  const report = (source: string, where = '') => `  INSERT INTO tds_changes AS c (entity, zoho_id, op, columns, zoho_last_modified_time)
  SELECT ${quote(c.entity)}, r.parent, 'update', ARRAY[${quote(c.reportedAs)}]::text[], max(r.version)
  FROM (${source}) r ${where}
  GROUP BY r.parent
  ${MERGE};`;
  const changed = [...c.columns.map((col) => `o.${ident(col)} IS DISTINCT FROM n.${ident(col)}`), '(o.deleted_at IS NULL) <> (n.deleted_at IS NULL)', `o.${ident(c.parentKey)} <> n.${ident(c.parentKey)}`].join(' OR ');
  const insert = fn(`tds_changes_${c.table}_inserted`, 'new_rows', report(`SELECT n.${ident(c.parentKey)} AS parent, n.zoho_last_modified_time AS version FROM new_rows n`));
  // A row that moved to another parent changes both.
  const update = fn(
    `tds_changes_${c.table}_updated`,
    'new_rows',
    report(`SELECT x.parent, x.version FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES (n.${ident(c.parentKey)}, n.zoho_last_modified_time), (o.${ident(c.parentKey)}, n.zoho_last_modified_time)) AS x(parent, version)
      WHERE ${changed}`),
  );
  const remove = fn(`tds_changes_${c.table}_deleted`, 'old_rows', report(`SELECT o.${ident(c.parentKey)} AS parent, o.zoho_last_modified_time AS version FROM old_rows o`));
  return [insert, update, remove];
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // `entry` orders rows as written; `id`, the consumers' cursor, is given after commit and in commit
  // order by the sequencer (changes/sequence-changes.ts): a sequence value taken inside a writing
  // transaction can commit after a larger one, and a reader past the larger one would miss it.
  await sql`
    CREATE TABLE tds_changes (
      entry                    bigserial PRIMARY KEY,
      id                       bigint UNIQUE,
      xid                      xid8 NOT NULL DEFAULT pg_current_xact_id(),
      entity                   text NOT NULL,
      zoho_id                  text NOT NULL,
      op                       text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
      columns                  text[] NOT NULL,
      zoho_last_modified_time  timestamptz,
      at                       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE SEQUENCE tds_changes_id_seq OWNED BY tds_changes.id`.execute(db);
  // Only rows not yet sequenced: the merge key within a transaction, and the sequencer's queue.
  await sql`CREATE UNIQUE INDEX tds_changes_record_per_xact ON tds_changes (xid, entity, zoho_id) WHERE id IS NULL`.execute(db);
  await sql`CREATE INDEX tds_changes_record ON tds_changes (entity, zoho_id)`.execute(db);

  await sql`
    CREATE TABLE tds_change_consumers (
      name           text PRIMARY KEY,
      cursor         bigint NOT NULL DEFAULT 0,
      handled        bigint NOT NULL DEFAULT 0,
      failures       integer NOT NULL DEFAULT 0,
      last_error     text,
      last_error_at  timestamptz,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // The highest id retention has purged: a cursor below it may have missed changes.
  await sql`
    CREATE TABLE tds_change_feed_state (
      singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      purged_through  bigint NOT NULL DEFAULT 0,
      purged_at       timestamptz
    )`.execute(db);
  await sql`INSERT INTO tds_change_feed_state (singleton) VALUES (true)`.execute(db);

  for (const spec of [...PARENTS.flatMap(parentFunctions), ...CHILDREN.flatMap(childFunctions)]) {
    await sql.raw(spec).execute(db);
  }
  for (const table of [...PARENTS.map((p) => p.table), ...CHILDREN.map((c) => c.table)]) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      const name = `tds_changes_${table}_${event === 'INSERT' ? 'inserted' : event === 'UPDATE' ? 'updated' : 'deleted'}`;
      const transition = event === 'INSERT' ? 'NEW TABLE AS new_rows' : event === 'UPDATE' ? 'OLD TABLE AS old_rows NEW TABLE AS new_rows' : 'OLD TABLE AS old_rows';
      await sql.raw(`CREATE TRIGGER ${name} AFTER ${event} ON ${ident(table)} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`).execute(db);
    }
  }
}
