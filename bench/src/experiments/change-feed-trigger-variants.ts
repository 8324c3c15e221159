// Scratch measurement (not a bench row): the change feed's trigger cost before and after a change
// of its trigger functions, in one database per round, the variants switched every block of 100
// product applies in the order off, old, new, new, old, off, … so that the drift of a busy machine
// hits each alike (docs/change-feed.md, "What it costs").
// `--old=FILE`: the earlier trigger functions as SQL (CREATE OR REPLACE FUNCTION …; one per
// tds_changes_* function), e.g. dumped with pg_get_functiondef from a database migrated by the earlier
// commit. "new" is what migrate() installs now; "off" is ALTER TABLE … DISABLE TRIGGER USER.
// Run: node --conditions=source --import tsx src/experiments/change-feed-trigger-variants.ts --old=FILE [--items=3000] [--rounds=3]
import { readFileSync } from 'node:fs';
import { createZohoClient } from '@tsh/zoho-client';
import { applyProduct, createApplyContext, createDatabase, migrate, parseWebhookRecord } from '@tsh/tds-core';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option } from '../lib/row-result';

const ITEMS = option('items', 'ITEMS', 3000);
const ROUNDS = option('rounds', 'ROUNDS', 3);
const BLOCK = 100;
const FEED_TABLES = ['products', 'categories', 'customers', 'invoices', 'invoice_lines', 'bills', 'bill_lines', 'stock_levels', 'price_lists', 'price_list_items'];
const oldFile = process.argv.find((a) => a.startsWith('--old='))?.slice(6);
if (!oldFile) throw new Error('--old=FILE (the earlier trigger functions as SQL) is required');
const oldFunctions = readFileSync(oldFile, 'utf8');

type Variant = 'off' | 'old' | 'new';
const PATTERN: Variant[] = ['off', 'old', 'new', 'new', 'old', 'off'];

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

/** Applies per second under each variant in one round. */
async function round(items: Record<string, unknown>[]): Promise<Record<Variant, number>> {
  const scratch = await createScratchDatabase('feed-variants');
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'feed-variants' });
  const spent = { off: 0, old: 0, new: 0 };
  const count = { off: 0, old: 0, new: 0 };
  try {
    await migrate(database.db);
    const { rows } = await database.pool.query<{ def: string }>(`SELECT pg_get_functiondef(p.oid) || ';' AS def FROM pg_proc p WHERE p.proname LIKE 'tds\\_changes\\_%' ESCAPE '\\' AND p.prorettype = 'trigger'::regtype`);
    const newFunctions = rows.map((r) => r.def).join('\n');
    const ctx = createApplyContext();
    let installed: Variant = 'new';
    for (let start = 0, block = 0; start < items.length; start += BLOCK, block++) {
      const variant = PATTERN[block % PATTERN.length]!;
      for (const table of FEED_TABLES) await database.pool.query(`ALTER TABLE ${table} ${variant === 'off' ? 'DISABLE' : 'ENABLE'} TRIGGER USER`);
      if (variant !== 'off' && variant !== installed) {
        await database.pool.query(variant === 'old' ? oldFunctions : newFunctions);
        installed = variant;
      }
      const slice = items.slice(start, start + BLOCK).map((raw) => parseWebhookRecord('item', raw));
      const t0 = performance.now();
      await Promise.all([0, 1].map(async (lane) => {
        for (let i = lane; i < slice.length; i += 2) await applyProduct(database.db, slice[i]!, ctx);
      }));
      spent[variant] += performance.now() - t0;
      count[variant] += slice.length;
    }
    return { off: (count.off / spent.off) * 1000, old: (count.old / spent.old) * 1000, new: (count.new / spent.new) * 1000 };
  } finally {
    await database.close();
    await scratch.drop();
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
