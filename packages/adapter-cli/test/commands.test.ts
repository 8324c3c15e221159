import { createQueue } from '@tsh/tds-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { parseJsonOutput, runCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const work = makeWorkDir();
let e2e: E2eSetup;
const results: CliResult[] = [];

async function tds(args: string[], env: Record<string, string> = e2e.env): Promise<CliResult> {
  const result = await runCli(args, { cwd: work.dir, env });
  results.push(result);
  return result;
}

function expectOk(result: CliResult): void {
  if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

async function countRows(table: 'products' | 'invoices' | 'bills'): Promise<number> {
  const row = await e2e.db.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  await ensureCliBuilt();
  e2e = await setupE2e({ seed: 'cli-commands', items: 120, customers: 30, vendors: 5, invoices: 40, bills: 15 });
}, 200_000);

afterAll(async () => {
  await e2e?.close();
  work.remove();
});

describe('tds against the sandbox and a real PostgreSQL', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('migrate creates the tables, and a second run has nothing to do', async () => {
    const first = await tds(['migrate', '--json']);
    expectOk(first);
    const { applied } = parseJsonOutput(first) as { applied: string[] };
    expect(applied.length).toBeGreaterThan(0);
    const again = await tds(['migrate']);
    expectOk(again);
    expect(again.stdout).toMatch(/already up to date/);
  });

  it('sync all --full copies every entity, with progress lines on stderr and one JSON document on stdout', async () => {
    const result = await tds(['sync', 'all', '--full', '--json']);
    expectOk(result);
    const runs = parseJsonOutput(result) as Array<{ entity: string; status: string }>;
    expect(runs.map((r) => r.entity).sort()).toEqual(['bills', 'customers', 'invoices', 'pricelists', 'products', 'stock']);
    for (const run of runs) expect(run.status).toBe('succeeded');
    expect(result.stderr).toMatch(/sync products: \w+, \d+ pages, \d+ records, \d+ requests/);
    expect(await countRows('products')).toBe(e2e.sandbox.store.count('item'));
    expect(await countRows('invoices')).toBe(e2e.sandbox.store.count('invoice'));
    expect(await countRows('bills')).toBe(e2e.sandbox.store.count('bill'));
  });

  it('an incremental sync after changes in Zoho applies them, as a table', async () => {
    const item = e2e.sandbox.store.createItem({ name: 'CLI incremental item' });
    const result = await tds(['sync', 'products', 'stock']);
    expectOk(result);
    expect(result.stdout).toMatch(/^entity\s+mode\s+status/m);
    expect(result.stdout).toMatch(/^products\s+incremental\s+succeeded/m);
    const row = await e2e.db.db.selectFrom('products').select('name').where('zoho_item_id', '=', item.item_id).executeTakeFirst();
    expect(row?.name).toBe('CLI incremental item');
  });

  it('queue status --json and queue clear-locks --json', async () => {
    const status = await tds(['queue', 'status', '--json']);
    expectOk(status);
    const doc = parseJsonOutput(status) as { pending: number; processing: number; dead_letters: number };
    expect(typeof doc.pending).toBe('number');
    expect(typeof doc.processing).toBe('number');
    const text = await tds(['queue', 'status']);
    expectOk(text);
    expect(text.stdout).toMatch(/pending: \d+/);
    const cleared = await tds(['queue', 'clear-locks', '--json']);
    expectOk(cleared);
    expect(parseJsonOutput(cleared)).toEqual({ cleared: 0 });
  });

  it('dlq list, retry and resolve', async () => {
    const queue = createQueue(e2e.db.db);
    for (const zohoId of ['cli-dlq-1', 'cli-dlq-2']) await queue.enqueue({ entity_type: 'products', zoho_id: zohoId, operation: 'upsert', payload: { item: { item_id: zohoId } } });
    const claimed = await queue.claim({ workerId: 'cli-test', batchSize: 100, leaseSeconds: 60 });
    const ours = claimed.filter((item) => item.zoho_id.startsWith('cli-dlq-'));
    expect(ours).toHaveLength(2);
    await queue.failMany('cli-test', ours.map((item) => ({ id: String(item.id), error: 'test: refused by the ERP', retryable: false })));
    const others = claimed.filter((item) => !item.zoho_id.startsWith('cli-dlq-')).map((item) => String(item.id));
    if (others.length > 0) await queue.release('cli-test', others);

    const listed = await tds(['dlq', 'list', '--json']);
    expectOk(listed);
    const letters = (parseJsonOutput(listed) as Array<{ id: string | number; zoho_id: string; error: string }>).filter((l) => l.zoho_id.startsWith('cli-dlq-'));
    expect(letters.map((l) => l.zoho_id).sort()).toEqual(['cli-dlq-1', 'cli-dlq-2']);
    expect(letters[0]!.error).toMatch(/refused by the ERP/);
    const first = String(letters.find((l) => l.zoho_id === 'cli-dlq-1')!.id);
    const second = String(letters.find((l) => l.zoho_id === 'cli-dlq-2')!.id);

    const table = await tds(['dlq', 'list', '--entity', 'products']);
    expectOk(table);
    expect(table.stdout).toMatch(/cli-dlq-1/);
    expect(table.stdout).toMatch(/tds dlq retry/);

    const retried = await tds(['dlq', 'retry', first, '--json']);
    expectOk(retried);
    expect(parseJsonOutput(retried)).toEqual({ retried: 1 });
    const back = await e2e.db.db.selectFrom('tds_sync_queue').select('status').where('zoho_id', '=', 'cli-dlq-1').execute();
    expect(back.map((r) => r.status)).toEqual(['pending']);

    const resolved = await tds(['dlq', 'resolve', second, '--note', 'bad test data', '--json']);
    expectOk(resolved);
    expect(parseJsonOutput(resolved)).toMatchObject({ resolved: true });
    const letter = await e2e.db.db.selectFrom('tds_dead_letter_queue').select(['resolution_note', 'resolved_at']).where('id', '=', second).executeTakeFirstOrThrow();
    expect(letter.resolution_note).toBe('bad test data');
    expect(letter.resolved_at).not.toBeNull();

    const open = parseJsonOutput(await tds(['dlq', 'list', '--json'])) as Array<{ zoho_id: string }>;
    expect(open.filter((l) => l.zoho_id.startsWith('cli-dlq-'))).toEqual([]);
    const all = parseJsonOutput(await tds(['dlq', 'list', '--include-resolved', '--json'])) as Array<{ zoho_id: string }>;
    expect(all.map((l) => l.zoho_id)).toEqual(expect.arrayContaining(['cli-dlq-1', 'cli-dlq-2']));

    const twice = await tds(['dlq', 'resolve', second, '--note', 'again']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/no open dead letter with id/);
    const missing = await tds(['dlq', 'retry', '999999999']);
    expect(missing.code).toBe(1);
    const retryAll = await tds(['dlq', 'retry', '--all', '--json']);
    expectOk(retryAll);
    expect(parseJsonOutput(retryAll)).toEqual({ retried: 0 });
  });

  it('token status and token refresh never print a token', async () => {
    const status = await tds(['token', 'status', '--json']);
    expectOk(status);
    expect(parseJsonOutput(status)).toMatchObject({ configured: true });
    const refreshed = await tds(['token', 'refresh', '--json']);
    expectOk(refreshed);
    expect(parseJsonOutput(refreshed)).toMatchObject({ refreshed: true });
    for (const result of [status, refreshed]) expect(`${result.stdout}${result.stderr}`).not.toMatch(/1000\.[0-9a-f]{32}/);
  });

  it('heal, health and report', async () => {
    const healed = await tds(['heal', '--json']);
    expectOk(healed);
    expect(typeof parseJsonOutput(healed)).toBe('object');

    const health = await tds(['health', '--json']);
    expectOk(health);
    expect(['healthy', 'warning', 'critical', 'emergency']).toContain((parseJsonOutput(health) as { status: string }).status);
    const text = await tds(['health']);
    expectOk(text);
    expect(text.stdout).toMatch(/^Status: (HEALTHY|WARNING|CRITICAL|EMERGENCY)/);

    const report = await tds(['report']);
    expectOk(report);
    expect(report.stdout.trim().length).toBeGreaterThan(0);
    const reportJson = await tds(['report', '--json']);
    expectOk(reportJson);
    expect(typeof parseJsonOutput(reportJson)).toBe('object');
  });

  it('an unreachable database is a failure (exit 1) whose message hides the password', async () => {
    const result = await tds(['queue', 'status'], { ...e2e.env, DATABASE_URL: 'postgres://postgres:pw-Unreach-42@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tds: /m);
    expect(`${result.stdout}${result.stderr}`).not.toContain('pw-Unreach-42');
  });

  it('no command printed a secret', () => {
    expect(results.length).toBeGreaterThan(10);
    for (const result of results) expect(leakedSecrets(result, e2e.secrets)).toEqual([]);
  });
});
