import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPriceList, applyProduct, createApplyContext } from '../src/apply';
import { item, pricebook, rawItem, rawPricebook } from './apply-fixtures';
import { runRaceOps, type PriceRaceOp } from './fixtures/price-race-ops';
import { priceRaceScenario } from './fixtures/price-race-scenario';
import { findWrongPrices } from './helpers/expected-prices';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Product and price-list applies that run at the same time must never miss each other: afterwards
// every product's consumer / wholesale price is what the stored lists give it (docs/prices.md).

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 25;
const SEED = Number(process.env.PRICE_RACE_SEED ?? 20_261_206);

let t: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 12 });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE products, categories, stock_levels, price_lists, price_list_items RESTART IDENTITY CASCADE`.execute(t.db);
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function expectPricesRight(round: number): Promise<void> {
  const wrong = await findWrongPrices(t.db);
  expect(wrong, `seed ${SEED}, round ${round}: products whose price misses its list`).toEqual([]);
}

/** A process applying race ops with its own pool and contexts (test/fixtures/price-race-child.ts). */
function startChild(concurrency: number) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/price-race-child.ts'], {
    cwd: packageDir,
    env: { ...process.env, TDS_TEST_DB_URL: t.url, CHILD_CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const next = (type: 'ready' | 'done') =>
    new Promise<void>((resolve, reject) => {
      const onMessage = (message: { type: string; error?: string }) => {
        if (message.type !== type && message.type !== 'failed') return;
        cleanup();
        if (message.type === 'failed') reject(new Error(`price-race child failed: ${message.error}`));
        else resolve();
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`price-race child exited (${code}) before "${type}": ${stderr}`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = next('ready');
  return {
    ready,
    run(ops: PriceRaceOp[]) {
      const done = next('done');
      child.send({ type: 'run', ops });
      return done;
    },
    stop: () => child.send({ type: 'stop' }),
  };
}

describe('product and price-list applies racing', () => {
  it('in one process with several appliers, every interleaving leaves every price equal to its list', async () => {
    const nextRound = priceRaceScenario(SEED);
    const contexts = Array.from({ length: 4 }, () => createApplyContext());
    for (let round = 0; round < ROUNDS; round++) {
      await runRaceOps(t.db, nextRound(round), contexts);
      await expectPricesRight(round);
    }
    const { rows } = await sql<{ priced: string }>`SELECT count(*) FILTER (WHERE consumer_price IS NOT NULL) AS priced FROM products`.execute(t.db);
    expect(Number(rows[0]!.priced)).toBeGreaterThan(0);
  }, 240_000);

  it('in two OS processes, every interleaving leaves every price equal to its list', async () => {
    const workers = [startChild(3), startChild(3)];
    await Promise.all(workers.map((w) => w.ready));
    const nextRound = priceRaceScenario(SEED + 1);
    for (let round = 0; round < ROUNDS; round++) {
      const ops = nextRound(round);
      // Alternate ops between the processes, so each list apply meets product applies in the other process.
      await Promise.all(workers.map((w, k) => w.run(ops.filter((_, i) => i % workers.length === k))));
      await expectPricesRight(round);
    }
    for (const w of workers) w.stop();
  }, 240_000);

  it('a role moved by another process (its own context) is used by the next product write at once', async () => {
    const mine = createApplyContext();
    const theirs = createApplyContext();
    const first = rawItem();
    const second = rawItem();
    const old = rawPricebook([{ item_id: String(first.item_id), pricebook_rate: '100' }, { item_id: String(second.item_id), pricebook_rate: '100' }]);
    const renamedTo = (raw: Record<string, unknown>, name: string) => pricebook({ ...raw, name });
    const replacement = rawPricebook([{ item_id: String(second.item_id), pricebook_rate: '250' }], { name: 'Consumer (new)' });
    await applyPriceList(t.db, pricebook(old), mine);
    await applyPriceList(t.db, pricebook(rawPricebook([], { name: 'Wholesale Price List' })), mine);
    await applyProduct(t.db, item(first), mine);
    // Another worker makes the new list the consumer one; this worker's next product must use it.
    await applyPriceList(t.db, pricebook(replacement), theirs);
    await applyPriceList(t.db, renamedTo(old, 'Consumer (old)'), theirs);
    await applyPriceList(t.db, renamedTo(replacement, 'Consumer Price List'), theirs);
    await applyProduct(t.db, item(second), mine);
    const { rows } = await sql<{ consumer_price: string | null }>`SELECT consumer_price::text FROM products WHERE zoho_item_id = ${String(second.item_id)}`.execute(t.db);
    expect(rows[0]?.consumer_price).toBe('250');
    await expectPricesRight(0);
  });
});
