// Scratch measurement (not a bench row): the change feed's trigger cost before and after a change
// of its trigger functions: three databases (triggers off, the earlier functions, the current ones)
// take every record in turn, so that the drift of a busy machine hits each alike
// (docs/change-feed.md, "What it costs").
// `--old=FILE`: the earlier trigger functions as SQL (CREATE OR REPLACE FUNCTION …; one per
// tds_changes_* function), e.g. dumped with pg_get_functiondef from a database migrated by the earlier
// commit. "new" is what migrate() installs now; "off" is ALTER TABLE … DISABLE TRIGGER USER.
// Run: node --conditions=source --import tsx src/experiments/change-feed-trigger-variants.ts --old=FILE [--items=3000] [--rounds=3]
import { readFileSync } from 'node:fs';
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { applyProduct, createApplyContext, parseWebhookRecord } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option } from '../lib/row-result';

const ITEMS = option('items', 'ITEMS', 3000);
const ROUNDS = option('rounds', 'ROUNDS', 3);
// Sequential applies, one record at a time: the variants differ in the trigger bodies only.
const FEED_TABLES = ['products', 'categories', 'customers', 'invoices', 'invoice_lines', 'bills', 'bill_lines', 'stock_levels', 'price_lists', 'price_list_items'];
const oldFile = process.argv.find((a) => a.startsWith('--old='))?.slice(6);
if (!oldFile) throw new Error('--old=FILE (the earlier trigger functions as SQL) is required');
const oldFunctions = readFileSync(oldFile, 'utf8');

type Variant = 'off' | 'old' | 'new';

async function fetchRawItems(): Promise<Record<string, unknown>[]> {
  const sandbox = await startZohoSandbox({ seed: 'bench-changes', items: ITEMS, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 1_000_000, maxConcurrent: 100, dailyLimit: 1_000_000 });
  try {
    const zoho = createZohoClient({ organizationId: sandbox.organizationId, credentials: sandbox.credentials, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, requestsPerMinute: 1_000_000 });
    const ids = sandbox.store.idsOf('item');
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const envelope = await zoho.request('GET', 'inventory', '/itemdetails', { query: { item_ids: ids.slice(i, i + 100).join(',') } });
      items.push(...((envelope as { items: Record<string, unknown>[] }).items ?? []));
    }
    return items;
  } finally {
    await sandbox.close();
  }
}

interface VariantDatabase {
  variant: Variant;
  database: Awaited<ReturnType<typeof createDatabase>>;
  drop(): Promise<void>;
}

async function openVariant(variant: Variant): Promise<VariantDatabase> {
  const scratch = await createScratchDatabase(`feed-${variant}`);
  const database = await createDatabase({ url: scratch.url, maxConnections: 2, applicationName: `feed-${variant}` });
  await migrate(database.db);
  if (variant === 'old') await database.pool.query(oldFunctions);
  if (variant === 'off') for (const table of FEED_TABLES) await database.pool.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  return { variant, database, drop: async () => (await database.close(), await scratch.drop()) };
}

/**
 * Applies per second under each variant in one round: one database per variant, set up before the
 * clock starts (no DDL while measuring, which would make every connection re-plan), every record
 * applied to each database in turn, the order rotated per record, each apply timed on its own.
 */
async function round(items: Record<string, unknown>[]): Promise<Record<Variant, number>> {
  const variants: VariantDatabase[] = [];
  const spent = { off: 0, old: 0, new: 0 };
  try {
    for (const variant of ['off', 'old', 'new'] as const) variants.push(await openVariant(variant));
    const ctx = { off: createApplyContext(), old: createApplyContext(), new: createApplyContext() };
    for (let i = 0; i < items.length; i++) {
      const record = parseWebhookRecord('item', items[i]!);
      for (let k = 0; k < variants.length; k++) {
        const { variant, database } = variants[(i + k) % variants.length]!;
        const t0 = performance.now();
        await applyProduct(database.db, record, ctx[variant]);
        spent[variant] += performance.now() - t0;
      }
    }
    const rate = (variant: Variant) => (items.length / spent[variant]) * 1000;
    return { off: rate('off'), old: rate('old'), new: rate('new') };
  } finally {
    for (const v of variants) await v.drop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const items = await fetchRawItems();
const costs = { old: [] as number[], new: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  const rates = await round(items);
  costs.old.push(1 - rates.old / rates.off);
  costs.new.push(1 - rates.new / rates.off);
  console.log(`round ${r + 1}: off ${fmt(rates.off, 1)}, old ${fmt(rates.old, 1)}, new ${fmt(rates.new, 1)} applies/s (cost old ${((1 - rates.old / rates.off) * 100).toFixed(1)} %, new ${((1 - rates.new / rates.off) * 100).toFixed(1)} %)`);
}
console.log(`median of ${ROUNDS} rounds of ${fmt(items.length)} applies: cost old ${(median(costs.old) * 100).toFixed(1)} %, new ${(median(costs.new) * 100).toFixed(1)} %`);
