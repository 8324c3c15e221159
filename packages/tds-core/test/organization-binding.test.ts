import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZohoWebhook } from '@tsh/zoho-client';
import { createTdsCore, loadConfig, OrganizationBindingError, type TdsCore } from '../src';
import { claimOrganizationBinding, inspectDatabaseContents, migrations, readOrganizationBinding, rebindOrganization } from '../src/internal';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrate } from '../src/db';
import { databaseFingerprint } from './helpers/db-fingerprint';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// docs/organization-binding.md: a database holds one Zoho organization's copy; writers of another refuse.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const ORG_A = '800000000101';
const ORG_B = '800000000202';

let t: TestDatabase;
let sandboxA: ZohoSandbox;
let sandboxB: ZohoSandbox;
const cores: TdsCore[] = [];

const configFor = (sandbox: ZohoSandbox) =>
  loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_ADMIN_TOKEN: 'admin-token-binding', TDS_LOG_LEVEL: 'silent', TDS_RATE_LIMIT_PER_MINUTE: '5000' });
async function openCore(sandbox: ZohoSandbox, extra: { claimBindingAs?: string } = {}): Promise<TdsCore> {
  const core = await createTdsCore({ config: configFor(sandbox), database: t, workers: { pollIntervalMs: 50 }, ...extra });
  cores.push(core);
  return core;
}
const resetBinding = () => sql`TRUNCATE tds_binding, tds_binding_log RESTART IDENTITY`.execute(t.db);

/** A seeded PRNG (mulberry32), so each round's interleaving repeats from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 30 });
  [sandboxA, sandboxB] = await Promise.all([
    startZohoSandbox({ seed: 'binding-a', organizationId: ORG_A, items: 40, customers: 8, vendors: 3, invoices: 10, bills: 5, requestsPerMinute: 10_000 }),
    startZohoSandbox({ seed: 'binding-b', organizationId: ORG_B, items: 25, customers: 5, vendors: 2, invoices: 6, bills: 3, requestsPerMinute: 10_000 }),
  ]);
});
afterAll(async () => {
  for (const core of cores) await core.close().catch(() => undefined);
  await Promise.all([sandboxA?.close(), sandboxB?.close()]);
  await t?.close();
});

describe('claimOrganizationBinding', () => {
  it('binds an unbound database, confirms the same organization, and refuses another one naming both and the override', async () => {
    await resetBinding();
    const first = await claimOrganizationBinding(t.db, { organizationId: ORG_A, dataCenter: 'eu', apiHost: 'www.zohoapis.eu', claimedBy: 'test' });
    expect(first).toMatchObject({ organizationId: ORG_A, dataCenter: 'eu', apiHost: 'www.zohoapis.eu', boundBy: 'test' });
    await expect(claimOrganizationBinding(t.db, { organizationId: ORG_A, claimedBy: 'again' })).resolves.toMatchObject({ organizationId: ORG_A, boundBy: 'test' });

    const error = await claimOrganizationBinding(t.db, { organizationId: ORG_B, claimedBy: 'other' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrganizationBindingError);
    expect((error as Error).message).toContain(`bound to Zoho organization ${ORG_A}`);
    expect((error as Error).message).toContain(`ZOHO_ORGANIZATION_ID is ${ORG_B}`);
    expect((error as Error).message).toContain(`tds rebind --organization ${ORG_B} --confirm`);
    expect(await readOrganizationBinding(t.db)).toMatchObject({ organizationId: ORG_A });
    const log = await t.db.selectFrom('tds_binding_log').selectAll().execute();
    expect(log).toEqual([expect.objectContaining({ from_organization_id: null, to_organization_id: ORG_A })]);
  });

  it('concurrent first bindings from many connections end with one binding; every claim of another organization is refused (40 seeded rounds)', async () => {
    for (let round = 0; round < 40; round++) {
      await resetBinding();
      const random = seeded(round + 1);
      const orgs = Array.from({ length: 8 }, () => [ORG_A, ORG_B, '800000000303'][Math.floor(random() * 3)]!);
      const outcomes = await Promise.all(
        orgs.map(async (organizationId, i) => {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)));
          try {
            await claimOrganizationBinding(t.db, { organizationId, claimedBy: `claim ${i}` });
            return { organizationId, outcome: 'bound' as const };
          } catch (error) {
            return { organizationId, outcome: error instanceof OrganizationBindingError ? ('refused' as const) : ('error' as const), message: String(error) };
          }
        }),
      );
      const rows = await t.db.selectFrom('tds_binding').select('organization_id').execute();
      expect(rows).toHaveLength(1);
      const winner = rows[0]!.organization_id;
      for (const o of outcomes) expect(o).toMatchObject({ organizationId: o.organizationId, outcome: o.organizationId === winner ? 'bound' : 'refused' });
      expect(await t.db.selectFrom('tds_binding_log').select('to_organization_id').execute()).toEqual([{ to_organization_id: winner }]);
    }
  });

  it('two processes binding an empty database at once: one binding, the other organization refused (12 seeded rounds, 4 processes)', async () => {
    const children = await Promise.all([0, 1, 2, 3].map(() => startClaimChild(t.url)));
    try {
      for (let round = 0; round < 12; round++) {
        await resetBinding();
        const random = seeded(1000 + round);
        const orgs = children.map((_, i) => (i % 2 === 0 ? ORG_A : ORG_B));
        const outcomes = await Promise.all(children.map((child, i) => child.claim(round, orgs[i]!, Math.floor(random() * 6))));
        const rows = await t.db.selectFrom('tds_binding').select('organization_id').execute();
        expect(rows).toHaveLength(1);
        const winner = rows[0]!.organization_id;
        outcomes.forEach((o, i) => expect({ org: orgs[i], ...o }).toMatchObject({ org: orgs[i], outcome: orgs[i] === winner ? 'bound' : 'refused' }));
      }
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  }, 120_000);
});

describe('rebindOrganization (the override)', () => {
  it('moves the binding on purpose and records the move; rebinding to the same organization records nothing', async () => {
    await resetBinding();
    await claimOrganizationBinding(t.db, { organizationId: ORG_A, claimedBy: 'test' });
    await expect(rebindOrganization(t.db, { organizationId: ORG_B, dataCenter: 'com', apiHost: 'www.zohoapis.com', claimedBy: 'tds rebind', reason: 'tds rebind --confirm' })).resolves.toEqual({
      from: ORG_A,
      to: ORG_B,
      changed: true,
    });
    await expect(rebindOrganization(t.db, { organizationId: ORG_B, claimedBy: 'tds rebind', reason: 'again' })).resolves.toEqual({ from: ORG_B, to: ORG_B, changed: false });
    expect(await readOrganizationBinding(t.db)).toMatchObject({ organizationId: ORG_B, boundBy: 'tds rebind', apiHost: 'www.zohoapis.com' });
    const log = await t.db.selectFrom('tds_binding_log').select(['from_organization_id', 'to_organization_id', 'reason', 'process_id']).orderBy('id').execute();
    expect(log).toEqual([
      expect.objectContaining({ from_organization_id: null, to_organization_id: ORG_A }),
      { from_organization_id: ORG_A, to_organization_id: ORG_B, reason: 'tds rebind --confirm', process_id: process.pid },
    ]);
    await expect(claimOrganizationBinding(t.db, { organizationId: ORG_B, claimedBy: 'after' })).resolves.toMatchObject({ organizationId: ORG_B });
  });
});

describe('the migration of a database synced before bindings existed', () => {
  it('binds it to the organization of its latest sync run', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      const upTo = Object.keys(migrations).sort().filter((name) => name < '0007-organization-binding').at(-1)!;
      const migrator = new Migrator({ db: old.db, provider: { getMigrations: async () => migrations }, migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE });
      expect((await migrator.migrateTo(upTo)).error).toBeUndefined();
      await old.db
        .insertInto('tds_sync_runs')
        .values([
          { entity: 'products', organization_id: ORG_B, mode: 'full', started_at: '2025-01-01T00:00:00Z', counts: '{}' },
          { entity: 'products', organization_id: ORG_A, mode: 'full', started_at: '2025-03-01T00:00:00Z', counts: '{}' },
        ])
        .execute();
      await migrate(old.db);
      expect(await readOrganizationBinding(old.db)).toMatchObject({ organizationId: ORG_A, boundBy: expect.stringMatching(/migration/) });
      await expect(claimOrganizationBinding(old.db, { organizationId: ORG_B, claimedBy: 'upgrade' })).rejects.toBeInstanceOf(OrganizationBindingError);
    } finally {
      await old.close();
    }
  });
});

describe('createTdsCore on a database bound to another organization', () => {
  it('binds on the first sync; another organization is refused by sync, workers, scheduler, webhooks, heal and DLQ retry with nothing written; reads keep working and show the binding', async () => {
    await sql`TRUNCATE tds_binding, tds_binding_log, tds_sync_runs, tds_sync_state, products RESTART IDENTITY CASCADE`.execute(t.db);
    const coreA = await openCore(sandboxA);
    expect(await inspectDatabaseContents(t.db)).toEqual({ binding: null, nonEmptyTables: [] });
    const results = await coreA.sync.run('all', { mode: 'full' });
    for (const r of results) expect(r.status).toBe('succeeded');
    expect(await readOrganizationBinding(t.db)).toMatchObject({ organizationId: ORG_A, boundBy: 'sync', dataCenter: 'com', apiHost: new URL(sandboxA.apiUrl).host });
    await sql`INSERT INTO tds_dead_letter_queue (entity_type, zoho_id, operation, error) VALUES ('products', '1', 'upsert', 'x')`.execute(t.db);

    const before = await databaseFingerprint(t.db);
    const coreB = await openCore(sandboxB);
    const refusals = await Promise.all([
      coreB.sync.run('all', { mode: 'full' }).catch((e: unknown) => e),
      coreB.sync.start(['products'], {}).catch((e: unknown) => e),
      coreB.start({ workers: true, healer: false }).catch((e: unknown) => e),
      coreB.start({ workers: false, healer: false, scheduler: true }).catch((e: unknown) => e),
      coreB.start({ workers: false, healer: true }).catch((e: unknown) => e),
      coreB.healer.runOnce().catch((e: unknown) => e),
      coreB.dlq.retry('all').catch((e: unknown) => e),
      coreB.webhooks.ingest(signedProductWebhook(sandboxB)).catch((e: unknown) => e),
    ]);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(OrganizationBindingError);
      expect((refusal as Error).message).toMatch(new RegExp(`bound to Zoho organization ${ORG_A}.*ZOHO_ORGANIZATION_ID is ${ORG_B}.*tds rebind --organization ${ORG_B} --confirm`));
    }
    await expect(openCore(sandboxB, { claimBindingAs: 'tds sync' })).rejects.toBeInstanceOf(OrganizationBindingError);
    expect(sandboxB.stats().totalRequests).toBe(0);

    // read-only verbs work and show whose copy it is
    expect(await coreB.queue.status()).toHaveProperty('pending');
    expect(await coreB.dlq.list()).toHaveLength(1);
    const health = await coreB.health.get();
    expect(health.database_binding).toMatchObject({ bound: true, organization_id: ORG_A, matches_configuration: false });
    expect(await coreB.health.report('text')).toMatch(new RegExp(`Database binding: Zoho organization ${ORG_A}.*NOT the configured organization ${ORG_B}`));
    expect(await coreB.health.report('json')).toMatchObject({ database_binding: { organization_id: ORG_A } });
    expect(await coreA.health.get()).toMatchObject({ database_binding: { organization_id: ORG_A, matches_configuration: true } });
    expect(await databaseFingerprint(t.db)).toEqual(before);

    // the override: after a deliberate rebind organization B syncs, and A is refused in turn
    await rebindOrganization(t.db, { organizationId: ORG_B, claimedBy: 'tds rebind', reason: 'test move' });
    const coreB2 = await openCore(sandboxB, { claimBindingAs: 'tds sync' });
    for (const r of await coreB2.sync.run(['products'], { mode: 'full' })) expect(r.status).toBe('succeeded');
    const coreA2 = await openCore(sandboxA);
    await expect(coreA2.sync.run(['products'], { mode: 'incremental' })).rejects.toBeInstanceOf(OrganizationBindingError);
  }, 60_000);
});

function signedProductWebhook(sandbox: ZohoSandbox) {
  const [itemId] = sandbox.store.idsOf('item');
  const rawBody = Buffer.from(JSON.stringify({ item: { item_id: itemId, name: 'From B', last_modified_time: '2030-01-01T00:00:00+0300' } }));
  const signature = signZohoWebhook({ secret: sandbox.webhookSecret, query: {}, rawBody, contentType: 'application/json' });
  return { entity: 'products', method: 'POST', query: {}, rawBody, contentType: 'application/json', signature };
}

interface ClaimChild {
  claim(round: number, organizationId: string, delayMs: number): Promise<{ outcome: string; message: string }>;
  stop(): Promise<void>;
}

/** test/fixtures/binding-claim-child.ts in its own Node process, run from source through tsx. */
function startClaimChild(url: string): Promise<ClaimChild> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/binding-claim-child.ts'], {
    cwd: packageDir,
    env: { ...process.env, TDS_TEST_DB_URL: url },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (match: (m: any) => boolean) =>
    new Promise<any>((resolve, reject) => {
      const onMessage = (m: any) => {
        if (!match(m)) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`binding child exited: ${stderr}`)));
    });
  return next((m) => m?.type === 'ready').then(() => ({
    claim(round, organizationId, delayMs) {
      const answer = next((m) => m?.type === 'claimed' && m.round === round);
      child.send({ type: 'claim', round, organizationId, delayMs });
      return answer;
    },
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  }));
}
