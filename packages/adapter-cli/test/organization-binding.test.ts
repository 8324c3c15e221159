import { claimOrganizationBinding, readOrganizationBinding } from '@tsh/tds-core/internal';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseFingerprint, type TestDatabase } from '@tsh/test-utils';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { parseJsonOutput, runCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// docs/organization-binding.md: every writing command refuses a database bound to another
// Zoho organization (exit 2, nothing written); reads keep working; `tds rebind` is the override.

const ORG_A = '800000000111';
const ORG_B = '800000000222';
const work = makeWorkDir();
let db: TestDatabase;
let sandboxA: ZohoSandbox;
let sandboxB: ZohoSandbox;
const envOf = (sandbox: ZohoSandbox, database: TestDatabase = db) => ({
  ...sandboxEnvironment(sandbox),
  DATABASE_URL: database.url,
  TDS_ADMIN_TOKEN: 'admin-token-binding-cli-0123456789ab',
  TDS_RATE_LIMIT_PER_MINUTE: '5000',
});
const tds = (args: string[], env: Record<string, string>) => runCli(args, { cwd: work.dir, env });
const expectOk = (result: CliResult) => {
  if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
};
const refusalPattern = (bound: string, configured: string) =>
  new RegExp(`bound to Zoho organization ${bound} .*ZOHO_ORGANIZATION_ID is ${configured}\\. Nothing was written.*tds rebind --organization ${configured} --confirm`);

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase({ migrate: false });
  [sandboxA, sandboxB] = await Promise.all([
    startZohoSandbox({ seed: 'cli-binding-a', organizationId: ORG_A, items: 30, customers: 6, vendors: 2, invoices: 6, bills: 3, requestsPerMinute: 10_000 }),
    startZohoSandbox({ seed: 'cli-binding-b', organizationId: ORG_B, items: 20, customers: 4, vendors: 2, invoices: 4, bills: 2, requestsPerMinute: 10_000 }),
  ]);
}, 200_000);
afterAll(async () => {
  await Promise.all([sandboxA?.close(), sandboxB?.close()]);
  await db?.close();
  work.remove();
});

describe('tds on a database bound to another Zoho organization', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('the first sync binds the database; sync, worker, serve, heal and dlq retry of another organization exit 2 with one message and write nothing', async () => {
    expectOk(await tds(['sync', 'all', '--full'], envOf(sandboxA)));
    expect(await readOrganizationBinding(db.db)).toMatchObject({ organizationId: ORG_A, boundBy: 'tds sync', dataCenter: 'com' });
    await db.db.insertInto('tds_dead_letter_queue').values({ entity_type: 'products', zoho_id: '1', operation: 'upsert', error: 'failed in a test' }).execute();

    const before = await databaseFingerprint(db.db);
    const refused = await Promise.all([
      tds(['sync', 'products'], envOf(sandboxB)),
      tds(['sync', 'all', '--full'], envOf(sandboxB)),
      tds(['worker'], envOf(sandboxB)),
      tds(['serve', '--port', '0', '--host', '127.0.0.1'], { ...envOf(sandboxB), ZOHO_WEBHOOK_SECRET: sandboxB.webhookSecret }),
      tds(['heal'], envOf(sandboxB)),
      tds(['dlq', 'retry', '--all'], envOf(sandboxB)),
    ]);
    for (const result of refused) {
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(refusalPattern(ORG_A, ORG_B)) });
      // one message, nothing else: no progress, no "listening", no stack
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    expect(await databaseFingerprint(db.db)).toEqual(before);
    expect(sandboxB.stats().totalRequests).toBe(0);
  });

  it('read-only commands keep working on it and show the binding', async () => {
    const health = await tds(['health', '--json'], envOf(sandboxB));
    expectOk(health);
    expect((parseJsonOutput(health) as Record<string, unknown>).database_binding).toMatchObject({ bound: true, organization_id: ORG_A, matches_configuration: false });
    const report = await tds(['report'], envOf(sandboxB));
    expectOk(report);
    expect(report.stdout).toMatch(new RegExp(`Database binding: Zoho organization ${ORG_A} .*NOT the configured organization ${ORG_B}`));
    expectOk(await tds(['queue', 'status'], envOf(sandboxB)));
    const dlq = await tds(['dlq', 'list', '--json'], envOf(sandboxB));
    expectOk(dlq);
    expect(parseJsonOutput(dlq)).toHaveLength(1);
    const own = await tds(['health', '--json'], envOf(sandboxA));
    expect((parseJsonOutput(own) as Record<string, unknown>).database_binding).toMatchObject({ organization_id: ORG_A, matches_configuration: true });
  });

  it('tds rebind --confirm moves it on purpose and records the move; without --confirm or for another id it changes nothing', async () => {
    const before = await databaseFingerprint(db.db);
    const unconfirmed = await tds(['rebind', '--organization', ORG_B], envOf(sandboxB));
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--confirm/);
    const mismatch = await tds(['rebind', '--organization', '800000000999', '--confirm'], envOf(sandboxB));
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/is not ZOHO_ORGANIZATION_ID/);
    expect(await databaseFingerprint(db.db)).toEqual(before);

    const moved = await tds(['rebind', '--organization', ORG_B, '--confirm'], envOf(sandboxB));
    expectOk(moved);
    expect(moved.stdout).toMatch(new RegExp(`moved from Zoho organization ${ORG_A} to ${ORG_B}`));
    const log = await db.db.selectFrom('tds_binding_log').select(['from_organization_id', 'to_organization_id', 'reason']).orderBy('id').execute();
    expect(log.at(-1)).toEqual({ from_organization_id: ORG_A, to_organization_id: ORG_B, reason: 'tds rebind --confirm' });

    expectOk(await tds(['sync', 'products', '--full'], envOf(sandboxB)));
    const now = await tds(['sync', 'products'], envOf(sandboxA));
    expect(now.code).toBe(2);
    expect(now.stderr).toMatch(refusalPattern(ORG_B, ORG_A));
  });

  it('two processes of different organizations syncing an empty database at once: one binds it, the other exits 2 and writes nothing (3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const empty = await createTestDatabase({ migrate: false });
      try {
        const [a, b] = await Promise.all([tds(['sync', 'products', '--full'], envOf(sandboxA, empty)), tds(['sync', 'products', '--full'], envOf(sandboxB, empty))]);
        const winner = (await readOrganizationBinding(empty.db))!.organizationId;
        const [won, lost, loser] = winner === ORG_A ? [a, b, ORG_B] : [b, a, ORG_A];
        expectOk(won);
        expect(lost.code).toBe(2);
        expect(lost.stderr).toMatch(refusalPattern(winner, loser));
        const stored = (await empty.db.selectFrom('products').select('zoho_item_id').execute()).map((r) => r.zoho_item_id).sort();
        expect(stored).toEqual([...(winner === ORG_A ? sandboxA : sandboxB).store.idsOf('item')].sort());
        expect(await empty.db.selectFrom('tds_binding').selectAll().execute()).toHaveLength(1);
      } finally {
        await empty.close();
      }
    }
  });
});

describe('tds demo --database-url', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('refuses a database holding another organization (flag or TDS_DEMO_DATABASE_URL): exit 2, nothing written', async () => {
    const before = await databaseFingerprint(db.db);
    for (const run of [
      () => tds(['demo', '--items', '20', '--webhooks', '2', '--database-url', db.url], {}),
      () => tds(['demo', '--items', '20', '--webhooks', '2'], { TDS_DEMO_DATABASE_URL: db.url }),
    ]) {
      const result = await run();
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refusing to run the demo on the database of --database-url: it already holds data \(.*products.*\) and it is bound to Zoho organization \d+\. Nothing was written/);
      expect(result.stdout).not.toMatch(/Full sync/);
    }
    expect(await databaseFingerprint(db.db)).toEqual(before);
  });

  it('refuses an empty database bound to another organization, and an unmigrated database with data, leaving both as they were', async () => {
    const bound = await createTestDatabase();
    const legacy = await createTestDatabase({ migrate: false });
    try {
      await claimOrganizationBinding(bound.db, { organizationId: ORG_A, claimedBy: 'test' });
      await legacy.db.schema.createTable('products').addColumn('zoho_item_id', 'text').execute();
      await legacy.db.insertInto('products').values({ zoho_item_id: '42' } as never).execute();
      for (const [database, reason] of [
        [bound, `it is bound to Zoho organization ${ORG_A}`],
        [legacy, 'it already holds data (products)'],
      ] as const) {
        const before = await databaseFingerprint(database.db);
        const result = await tds(['demo', '--items', '20', '--webhooks', '2', '--database-url', database.url], {});
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(reason);
        expect(await databaseFingerprint(database.db)).toEqual(before);
      }
    } finally {
      await Promise.all([bound.close(), legacy.close()]);
    }
  });
});
