import { sql, type Kysely } from 'kysely';
import { readTableShape, type ColumnShape, type TableShape } from './catalog';
import { readReferenceShapes } from './reference-shape';
import { refusalConsequence } from './refusal-consequence';
import { ADOPTED_TABLES, QUEUE_TABLES, SEED_ENTITY_WORDS, SEED_REAL_COLUMNS, SEED_RENAMES, type AdoptedTable } from './seed-words';
import { ident, literal } from './sql-text';

/**
 * rename: a seed column takes TDS's internal name (its seed name comes back as a generated column);
 * alter: a column that cannot hold Zoho's data is widened or relaxed (refusable: --no-alter-columns);
 * add: a column TDS needs; data: rows rewritten to TDS's words and rules; constraint: a rule TDS's queue relies on.
 */
export type AdoptionStepKind = 'rename' | 'alter' | 'add' | 'data' | 'constraint';

export interface AdoptionStep {
  table: AdoptedTable;
  kind: AdoptionStepKind;
  sql: string;
  why: string;
  /** For 'alter' steps: what fails if the user refuses the change. */
  ifRefused?: string;
}

export interface AdoptionPlan {
  /** Seed tables found that are not yet in TDS's shape. */
  tables: AdoptedTable[];
  steps: AdoptionStep[];
  /** What adoption deliberately leaves as it is, and why. */
  notes: string[];
}

export const EMPTY_ADOPTION_PLAN: AdoptionPlan = { tables: [], steps: [], notes: [] };

// Fill values for NOT NULL columns of the queue tables without a default of their own.
const FILL: Record<string, string> = { entity_type: "'unknown'", zoho_id: "'unknown'", operation: "'upsert'", error: "''" };

const isSerialDefault = (expr: string | null) => expr !== null && expr.startsWith('nextval(');

/** Compares every existing seed table with what migrations 0001/0002 create and lists the changes (docs/seed-schema.md). */
export async function planAdoption(conn: Kysely<any>): Promise<AdoptionPlan> {
  const existing: Partial<Record<AdoptedTable, TableShape>> = {};
  for (const table of ADOPTED_TABLES) {
    const shape = await readTableShape(conn, table);
    if (shape) existing[table] = shape;
  }
  if (Object.keys(existing).length === 0) return EMPTY_ADOPTION_PLAN;
  const reference = await readReferenceShapes(conn);
  const plan: AdoptionPlan = { tables: [], steps: [], notes: [] };
  for (const table of ADOPTED_TABLES) {
    const shape = existing[table];
    if (!shape) continue;
    const steps = planTable(table, shape, reference[table]);
    if (steps.length === 0) continue;
    plan.tables.push(table);
    plan.steps.push(...steps);
    plan.notes.push(...(await notesFor(conn, table, shape)));
  }
  return plan;
}

function planTable(table: AdoptedTable, shape: TableShape, reference: TableShape): AdoptionStep[] {
  const steps: AdoptionStep[] = [];
  const step = (kind: AdoptionStepKind, text: string, why: string, ifRefused?: string) => steps.push({ table, kind, sql: text, why, ...(ifRefused ? { ifRefused } : {}) });
  const t = ident(table);
  const columns = new Map(shape.columns.map((c) => [c.name, { ...c }]));
  const ownedByTds = QUEUE_TABLES.includes(table);

  for (const [seedName, internal] of Object.entries(SEED_RENAMES[table])) {
    const seed = columns.get(seedName);
    if (!seed || seed.generated || columns.has(internal)) continue;
    step('rename', `ALTER TABLE ${t} RENAME COLUMN ${ident(seedName)} TO ${ident(internal)}`, `TDS's queue code uses ${internal}; the values stay, and ${seedName} comes back as a generated column of ${internal} (migration 0011)`);
    columns.delete(seedName);
    columns.set(internal, { ...seed, name: internal });
  }

  const wanted: ColumnShape[] = [
    ...reference.columns,
    ...Object.entries(SEED_REAL_COLUMNS[table]).map(([name, definition]) => ({ name, type: definition.split(' ')[0]!, notNull: false, defaultExpr: null, generated: false })),
  ];
  for (const want of wanted) {
    const have = columns.get(want.name);
    if (!have || have.generated || have.type === want.type) continue;
    step(
      'alter',
      `ALTER TABLE ${t} ALTER COLUMN ${ident(want.name)} TYPE ${want.type} USING ${ident(want.name)}::${want.type}`,
      `${have.type} → ${want.type}: ${whyWiden(table, have.type)}`,
      refusalConsequence(`${table}.${want.name}`, have.type, want.type),
    );
  }

  // A NOT NULL column TDS does not write (or may write null to) would make every insert of TDS fail.
  const referenceNames = new Set(wanted.map((c) => c.name));
  for (const have of columns.values()) {
    if (!have.notNull || have.generated || have.defaultExpr !== null || have.name === 'id') continue;
    const want = reference.columns.find((c) => c.name === have.name);
    if (want?.notNull) continue;
    if (table === 'products' && have.name === 'name_ar') continue; // filled from name by the transform: see notes
    step(
      'alter',
      `ALTER TABLE ${t} ALTER COLUMN ${ident(have.name)} DROP NOT NULL`,
      referenceNames.has(have.name) ? `TDS stores null in ${have.name} when Zoho has no value` : `TDS does not write ${have.name} (a column of the ERP's own)`,
      `every ${table} row TDS inserts without ${have.name} fails with a not-null violation`,
    );
  }

  for (const want of reference.columns) {
    if (columns.has(want.name)) continue;
    if (isSerialDefault(want.defaultExpr)) throw new Error(`cannot adopt ${table}: it has no ${want.name} column`);
    const withDefault = want.defaultExpr !== null ? ` DEFAULT ${want.defaultExpr}` : '';
    const notNull = want.notNull && want.defaultExpr !== null ? ' NOT NULL' : '';
    step('add', `ALTER TABLE ${t} ADD COLUMN ${ident(want.name)} ${want.type}${withDefault}${notNull}`, `a column of TDS's ${table}${notNull ? ' (existing rows get the default)' : ''}`);
    columns.set(want.name, { ...want });
  }

  if (!ownedByTds) {
    for (const unique of reference.constraints.filter((c) => c.kind === 'u')) {
      if (shape.uniqueIndexes.includes(unique.columns.join(','))) continue;
      step('constraint', `ALTER TABLE ${t} ADD CONSTRAINT ${ident(unique.name)} ${unique.definition}`, `existing rows are matched with Zoho's records by ${unique.columns.join(', ')}`);
    }
    return steps;
  }

  if (columns.has('operation') && !columns.has('seed_operation')) {
    step('add', `ALTER TABLE ${t} ADD COLUMN seed_operation text`, `the seed's operation words ('create' / 'update' / 'delete') keep a column of their own`);
    step(
      'data',
      `UPDATE ${t} SET seed_operation = lower(operation), operation = CASE WHEN lower(operation) = 'delete' THEN 'delete' ELSE 'upsert' END WHERE operation IS NOT NULL`,
      `TDS's operation is 'upsert' or 'delete' (a create and an update both fetch and apply the record); the seed's word moves to seed_operation`,
    );
  }
  const words = Object.entries(SEED_ENTITY_WORDS);
  step(
    'data',
    `UPDATE ${t} SET entity_type = CASE lower(entity_type) ${words.map(([seed, tds]) => `WHEN ${literal(seed)} THEN ${literal(tds)}`).join(' ')} END WHERE lower(entity_type) IN (${words.map(([seed]) => literal(seed)).join(', ')})`,
    `the seed names an entity in the singular ('product'); TDS's workers route by ${[...new Set(words.map(([, tds]) => tds))].join(', ')}`,
  );

  for (const want of reference.columns) {
    const have = columns.get(want.name)!;
    if (want.defaultExpr !== null && have.defaultExpr === null && !isSerialDefault(want.defaultExpr)) {
      step('constraint', `ALTER TABLE ${t} ALTER COLUMN ${ident(want.name)} SET DEFAULT ${want.defaultExpr}`, `TDS's default for ${want.name}`);
    }
    if (want.notNull && !have.notNull) {
      const fill = want.defaultExpr !== null && !isSerialDefault(want.defaultExpr) ? want.defaultExpr : FILL[want.name];
      if (fill) step('data', `UPDATE ${t} SET ${ident(want.name)} = ${fill} WHERE ${ident(want.name)} IS NULL`, `rows without ${want.name} get ${fill}, so it can be NOT NULL`);
      step('constraint', `ALTER TABLE ${t} ALTER COLUMN ${ident(want.name)} SET NOT NULL`, `TDS's queue relies on ${want.name} being set`);
    }
  }

  if (table === 'tds_sync_queue') {
    step(
      'data',
      `UPDATE ${t} SET status = 'pending', locked_until = NULL, updated_at = now() WHERE status = 'processing'`,
      `an item the seed's worker held has no TDS holder: it waits again (stop the seed's own service before adopting)`,
    );
    step(
      'data',
      `UPDATE ${t} SET status = 'failed', updated_at = now() WHERE status NOT IN ('pending', 'processing', 'completed', 'failed')`,
      `a status word TDS does not know is kept as failed (the row stays for operators to read)`,
    );
    step(
      'data',
      `WITH ranked AS (SELECT id, max(id) OVER (PARTITION BY entity_type, zoho_id) AS keeper FROM ${t} WHERE status = 'pending') ` +
        `UPDATE ${t} q SET status = 'completed', completed_at = now(), updated_at = now(), last_error = 'superseded at adoption by queue item ' || r.keeper FROM ranked r WHERE q.id = r.id AND r.id <> r.keeper`,
      `TDS keeps one pending item per record (it fetches the record's current state from Zoho): older pending duplicates are marked completed, naming the item that covers them`,
    );
    step('data', `UPDATE ${t} SET max_retries = 1 WHERE max_retries < 1`, `TDS allows at least one attempt`);
  }
  const hasCheck = new Set(shape.constraints.filter((c) => c.kind === 'c').map((c) => c.definition));
  for (const check of reference.constraints.filter((c) => c.kind === 'c')) {
    if (hasCheck.has(check.definition)) continue;
    if (/<> ''/.test(check.definition)) {
      const column = /\((\w+) <> ''/.exec(check.definition)?.[1];
      if (column) step('data', `UPDATE ${t} SET ${ident(column)} = 'unknown' WHERE ${ident(column)} = ''`, `an empty ${column} becomes 'unknown' (TDS's rule: never empty)`);
    }
    step('constraint', `ALTER TABLE ${t} ADD CONSTRAINT ${ident(check.name)} ${check.definition}`, `TDS's rule for ${table}`);
  }
  return steps;
}

function whyWiden(table: AdoptedTable, from: string): string {
  if (from.startsWith('numeric(')) return 'Zoho amounts (IQD prices and totals past 100,000,000) and quantities need unbounded numeric';
  if (from.startsWith('character varying')) return 'Zoho text has no such length limit';
  if (from === 'integer') return `TDS reads ids as exact 64-bit strings${QUEUE_TABLES.includes(table) ? ', and the queue takes a new id for every event' : ''}`;
  if (from === 'timestamp without time zone') return `TDS compares instants; the stored local times are read in this session's TimeZone (${'`SHOW TimeZone`'})`;
  return 'the type TDS writes';
}

async function notesFor(conn: Kysely<any>, table: AdoptedTable, shape: TableShape): Promise<string[]> {
  const notes: string[] = [];
  const column = (name: string) => shape.columns.find((c) => c.name === name);
  if (table === 'products') {
    const zohoId = column('zoho_item_id');
    if (zohoId && !zohoId.notNull) {
      const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM products WHERE zoho_item_id IS NULL`.execute(conn);
      notes.push(`products.zoho_item_id stays nullable: ${rows[0]!.n} row(s) have none (the ERP's own products); TDS never touches them`);
    }
    if (column('name_ar')?.notNull) notes.push(`products.name_ar stays NOT NULL: TDS fills it from name when an item has no Arabic name`);
    const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM products WHERE zoho_item_id IS NOT NULL`.execute(conn);
    notes.push(`${rows[0]!.n} existing product(s) with a zoho_item_id are adopted as they are: their Zoho version is unknown, so the next sync fills it and overwrites nothing newer`);
  }
  return notes;
}
