import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { leakedSecrets, setupE2e, type E2eSetup } from './helpers/e2e';
import { parseJsonOutput, runCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// TDS_SCHEMA puts every TDS table into a schema of its own (docs/embedding.md), for the CLI as for
// createTdsCore's `schema` option: the host's public tables are left alone.

const SCHEMA = 'tds_env_schema';
let e2e: E2eSetup;
const work = makeWorkDir();

function expectCode(result: CliResult, code: number): void {
  if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

const tds = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: work.dir, env: { ...e2e.env, TDS_SCHEMA: SCHEMA, ...env }, timeoutMs: 150_000 });

async function tablesIn(schema: string): Promise<string[]> {
  const { rows } = await e2e.db.pool.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((r) => r.table_name);
}

beforeAll(async () => {
  await ensureCliBuilt();
  e2e = await setupE2e({ seed: 'schema-env', items: 12, customers: 2, vendors: 1, invoices: 1, bills: 1 });
  // A host table of the same name in public: TDS must neither adopt nor touch it.
  await e2e.db.pool.query("CREATE TABLE public.products (id serial PRIMARY KEY, name text); INSERT INTO public.products (name) VALUES ('host row')");
}, 200_000);

afterAll(async () => {
  await e2e?.close();
  work.remove();
});

describe('TDS_SCHEMA', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('a bad schema name stops start-up with one message naming the variable (exit 2)', async () => {
    const r = await tds(['queue', 'status'], { TDS_SCHEMA: 'Bad-Schema; DROP' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TDS_SCHEMA must be a lower-case PostgreSQL identifier/);
    expect(r.stderr.match(/configuration error/g)).toHaveLength(1);
    expect(await tablesIn('Bad-Schema; DROP')).toEqual([]);
  });

  it('migrate, sync and status all work inside the schema, and the host table in public is untouched', async () => {
    expectCode(await tds(['migrate', '--json']), 0);
    const inSchema = await tablesIn(SCHEMA);
    expect(inSchema).toEqual(expect.arrayContaining(['products', 'tds_sync_queue', 'tds_kysely_migration']));
    expect(await tablesIn('public')).toEqual(['products']);

    const sync = await tds(['sync', 'products', '--full', '--json']);
    expectCode(sync, 0);
    expect(leakedSecrets(sync, e2e.secrets)).toEqual([]);
    const synced = await e2e.db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${SCHEMA}.products WHERE zoho_item_id IS NOT NULL`);
    expect(Number(synced.rows[0]!.n)).toBe(e2e.sandbox.store.items.list().length);
    const host = await e2e.db.pool.query('SELECT id, name FROM public.products');
    expect(host.rows).toEqual([{ id: 1, name: 'host row' }]);

    const status = await tds(['queue', 'status', '--json']);
    expectCode(status, 0);
    expect(parseJsonOutput(status)).toEqual(expect.objectContaining({ pending: expect.any(Number) }));
  });
});
