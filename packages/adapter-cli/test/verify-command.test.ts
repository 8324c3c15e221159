import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { parseJsonOutput, runCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// `tds verify` as a real process against the sandbox and a real PostgreSQL (docs/verify.md).

const work = makeWorkDir();
let e2e: E2eSetup;

const tds = (args: string[]): Promise<CliResult> => runCli(args, { cwd: work.dir, env: e2e.env });

function expectCode(result: CliResult, code: number): void {
  if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

interface JsonReport {
  ok: boolean;
  requests: number;
  entities: Array<{ entity: string; checked: number; matching: number; drifted: Array<{ zoho_id: string; columns: Array<{ column: string; stored: unknown; zoho: unknown }> }>; missing: string[]; extra: string[]; repaired: string[] }>;
}

beforeAll(async () => {
  await ensureCliBuilt();
  e2e = await setupE2e({ seed: 'cli-verify', items: 150, customers: 20, vendors: 4, invoices: 15, bills: 6 });
  expectCode(await tds(['migrate']), 0);
  expectCode(await tds(['sync', 'all', '--full']), 0);
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  work.remove();
});

describe('tds verify', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('exits 0 with the JSON document of docs/verify.md when nothing drifted', async () => {
    const result = await tds(['verify', '--json']);
    expectCode(result, 0);
    const report = parseJsonOutput(result) as JsonReport;
    expect(report.ok).toBe(true);
    expect(report.entities.map((e) => e.entity).sort()).toEqual(['bills', 'customers', 'invoices', 'pricelists', 'products', 'stock']);
    for (const e of report.entities) expect({ entity: e.entity, drifted: e.drifted, missing: e.missing, extra: e.extra }).toEqual({ entity: e.entity, drifted: [], missing: [], extra: [] });
    expect(report.requests).toBeGreaterThan(0);
  });

  it('exits 1 on drift, with the table and the first difference in human output; --repair fixes it and exits 0; then verify exits 0', async () => {
    const { rows } = await e2e.db.pool.query<{ id: string; price: string }>(
      'SELECT zoho_item_id AS id, unit_price::text AS price FROM products WHERE unit_price IS NOT NULL ORDER BY zoho_item_id LIMIT 1',
    );
    const [{ id, price }] = rows;
    await e2e.db.pool.query('UPDATE products SET unit_price = unit_price + 1 WHERE zoho_item_id = $1', [id]);

    const drift = await tds(['verify', 'products']);
    expectCode(drift, 1);
    expect(drift.stdout).toMatch(/entity\s+checked\s+matching\s+drifted\s+missing\s+extra/);
    expect(drift.stdout).toContain(`products ${id}: unit_price stored`);
    expect(drift.stdout).toMatch(/Drift found: run `tds verify --repair`/);

    const repair = await tds(['verify', 'products', '--repair', '--json']);
    expectCode(repair, 0);
    const repaired = parseJsonOutput(repair) as JsonReport;
    expect(repaired.entities[0]).toMatchObject({ entity: 'products', repaired: [id] });
    const stored = await e2e.db.pool.query<{ price: string }>('SELECT unit_price::text AS price FROM products WHERE zoho_item_id = $1', [id]);
    expect(stored.rows[0].price).toBe(price);

    expectCode(await tds(['verify', 'products']), 0);
    expect(leakedSecrets(drift, e2e.secrets)).toEqual([]);
  });

  it('--sample checks that many records per entity', async () => {
    const result = await tds(['verify', 'products', 'customers', '--sample', '5', '--json']);
    expectCode(result, 0);
    const report = parseJsonOutput(result) as JsonReport;
    expect(report.entities.map((e) => [e.entity, e.checked])).toEqual([
      ['products', 5],
      ['customers', 5],
    ]);
  });

  it('exits 2 on bad usage: an unknown entity, a sample of 0', async () => {
    const unknown = await tds(['verify', 'widgets']);
    expectCode(unknown, 2);
    expect(unknown.stderr).toMatch(/unknown entity "widgets"/);
    const zero = await tds(['verify', '--sample', '0']);
    expectCode(zero, 2);
    expect(zero.stderr).toMatch(/--sample/);
  });
});
