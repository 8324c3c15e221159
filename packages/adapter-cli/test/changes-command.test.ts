import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@tsh/test-utils';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { runCli, startCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// `tds changes` as a real process on a real PostgreSQL (docs/change-feed.md).

const work = makeWorkDir();
let t: TestDatabase;

const env = () => ({ DATABASE_URL: t.url, TDS_LOG_LEVEL: 'silent' });
const tds = (args: string[]): Promise<CliResult> => runCli(args, { cwd: work.dir, env: env() });

function expectCode(result: CliResult, code: number): void {
  if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; entity: string; zoho_id: string; op: string; columns: string[] });

let seq = 0;
async function writeProducts(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(`cli-${++seq}`);
    await t.pool.query(`INSERT INTO products (zoho_item_id, name) VALUES ($1, 'p')`, [ids[ids.length - 1]]);
  }
  return ids;
}

beforeAll(async () => {
  await ensureCliBuilt();
  t = await createTestDatabase();
}, 300_000);
afterAll(async () => {
  await t?.close();
  work.remove();
});

describe('tds changes', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('prints one JSON object per line with --json; --after and --entity narrow it', async () => {
    const ids = await writeProducts(3);
    await t.pool.query(`INSERT INTO customers (zoho_contact_id, name) VALUES ('cli-customer', 'c')`);
    const all = await tds(['changes', '--json']);
    expectCode(all, 0);
    const changes = jsonLines(all.stdout);
    expect(changes.map((c) => [c.entity, c.zoho_id, c.op])).toEqual([...ids.map((id) => ['products', id, 'insert']), ['customers', 'cli-customer', 'insert']]);

    const after = await tds(['changes', '--json', '--after', changes[1].id]);
    expect(jsonLines(after.stdout).map((c) => c.zoho_id)).toEqual([ids[2], 'cli-customer']);
    const customers = await tds(['changes', '--json', '--entity', 'customers']);
    expect(jsonLines(customers.stdout).map((c) => c.zoho_id)).toEqual(['cli-customer']);

    const text = await tds(['changes', '--after', changes[2].id]);
    expectCode(text, 0);
    expect(text.stdout.trim().split('\t')).toEqual([changes[3].id, expect.any(String), 'customers', 'cli-customer', 'insert', changes[3].columns.join(',')]);
    expect(text.stderr).toContain(`1 change; continue with: tds changes --after ${changes[3].id}`);
  });

  it('exits 2 on an unknown entity or a bad --after, 1 on a cursor behind the retention horizon', async () => {
    const entity = await tds(['changes', '--entity', 'widgets']);
    expectCode(entity, 2);
    expect(entity.stderr).toMatch(/unknown change feed entity "widgets"/);
    expectCode(await tds(['changes', '--after', 'abc']), 2);
    await writeProducts(1);
    const last = jsonLines((await tds(['changes', '--json'])).stdout).at(-1)!;
    await t.pool.query('UPDATE tds_change_feed_state SET purged_through = $1', [last.id]);
    try {
      const expired = await tds(['changes', '--after', '0']);
      expectCode(expired, 1);
      expect(expired.stderr).toMatch(/behind the retention horizon.*Resync from the tables/);
    } finally {
      await t.pool.query('UPDATE tds_change_feed_state SET purged_through = 0');
    }
  });

  it('--follow prints changes as they commit until Ctrl-C', async () => {
    const start = jsonLines((await tds(['changes', '--json'])).stdout).at(-1)!.id;
    const follow = startCli(['changes', '--follow', '--json', '--poll-ms', '100', '--after', start], { cwd: work.dir, env: env() });
    const first = await writeProducts(2);
    await follow.waitFor(new RegExp(first[1]), { on: 'stdout' });
    const second = await writeProducts(2);
    await follow.waitFor(new RegExp(second[1]), { on: 'stdout' });
    const result = await follow.stop('SIGINT');
    expectCode(result, 0);
    expect(jsonLines(result.stdout).map((c) => c.zoho_id)).toEqual([...first, ...second]);
  });
});

describe('tds trace', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it("prints a record's timeline, as text or one JSON document; exit 2 on an unknown entity", async () => {
    const [id] = await writeProducts(1);
    await t.pool.query(`UPDATE products SET name = 'renamed' WHERE zoho_item_id = $1`, [id]);
    const text = await tds(['trace', 'products', id]);
    expectCode(text, 0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^products ${id} "renamed": version none`));
    expect(lines.slice(1).map((l) => l.replace(/^\S+\s+/, '').replace(/ \[change \d+\]$/, ''))).toEqual([expect.stringMatching(/^applied: insert /), 'applied: update name']);
    const json = await tds(['trace', 'products', id, '--json']);
    expectCode(json, 0);
    expect(JSON.parse(json.stdout)).toMatchObject({ entity: 'products', zoho_id: id, timeline: [{ kind: 'change', op: 'insert' }, { kind: 'change', op: 'update', columns: ['name'] }] });
    expectCode(await tds(['trace', 'widgets', id]), 2);
  });
});
