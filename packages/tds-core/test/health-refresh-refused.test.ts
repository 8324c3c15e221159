import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { createTdsCore, loadConfig, type TdsCore } from '../src';
import { createHealer } from '../src/healer/create-healer';
import { buildHealthReport, getHealth, renderStatusReport } from '../src/health';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// A refresh attempt refused by Zoho while the stored access token still works (for example
// `ZOHO_CLIENT_SECRET=wrong tds token refresh` in another shell while serve runs) is a warning,
// not a dead credential: health stays below critical (/api/health keeps answering 200), the report
// says the stored token still works, and a Zoho request that succeeds with it clears the warning.
// It turns critical only when the token expires without a successful refresh.

let t: TestDatabase;
let sandbox: ZohoSandbox;
let good: TdsCore;
let bad: TdsCore;
let itemId: string;

const INVALID_CLIENT = 'Zoho refused the token refresh (invalid_client): the client id or secret is wrong for this data centre.';

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const alertsOf = (h: Awaited<ReturnType<typeof getHealth>>) => h.alerts.filter((a) => a.component === 'zoho-auth').map((a) => `${a.code}:${a.severity}`);

beforeAll(async () => {
  t = await createTestDatabase();
  sandbox = await startZohoSandbox({ port: 0, seed: 5, items: 3, customers: 1, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 10_000 });
  const env = { ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_LOG_LEVEL: 'silent' };
  good = await createTdsCore({ config: loadConfig(env), database: t });
  bad = await createTdsCore({ config: loadConfig({ ...env, ZOHO_CLIENT_SECRET: 'a-wrong-client-secret' }), database: t });
  itemId = sandbox.store.idsOf('item')[0]!;
}, 60_000);
afterAll(async () => {
  await bad?.close();
  await good?.close();
  await sandbox?.close();
  await t?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE tds_alerts, tds_heal_log`.execute(t.db);
});

describe('a refused refresh attempt while the stored token works', () => {
  it('is a warning with a consistent report, and a Zoho request that succeeds with the stored token clears it', async () => {
    await good.zoho.request('GET', 'inventory', `/items/${itemId}`); // mints and stores the token
    await expect(bad.token.refresh()).rejects.toThrow(/invalid_client/);
    expect((await good.token.status()).lastError).toMatch(/invalid_client/);

    const h = await getHealth({ db: t.db, organizationId: sandbox.organizationId });
    expect(h.status).not.toBe('critical');
    expect(h.status).not.toBe('emergency');
    expect(h.zoho_api).toMatchObject({
      token_valid: true,
      credential_valid: true,
      credential_state: 'refresh_failed',
      credential_error: null,
      refresh_refused: { reason: 'invalid_client' },
    });
    expect(alertsOf(h)).toEqual(['zoho_refresh_failed:warning']);

    const text = (await good.health.report('text')) as string;
    expect(text).toMatch(/⚠️ +Token: the last refresh attempt failed \d+ s ago \(invalid_client\); the stored token still works, expires in 1 h/);
    expect(text).toContain('Credential: accepted until the stored token expires; the last refresh attempt was refused (invalid_client)');
    expect(text).not.toContain('not valid');
    expect(text).not.toContain('[zoho_credential_invalid]');

    // The healer does not raise the critical credential alert for it either.
    const run = await createHealer({ db: t.db, organizationId: sandbox.organizationId }).runOnce();
    expect(run.actions.find((a) => a.action === 'check_zoho_credential')).toMatchObject({ outcome: 'noop', details: { credential: 'refresh_failed' } });
    const open = await t.db.selectFrom('tds_alerts').select('code').where('resolved_at', 'is', null).execute();
    expect(open.map((a) => a.code)).not.toContain('zoho_credential_invalid');

    // serve keeps fetching with the stored token: the first success clears the refusal.
    await good.zoho.request('GET', 'inventory', `/items/${itemId}`);
    const status = await eventually(() => good.token.status(), (s) => s.lastError === null);
    expect(status).toMatchObject({ lastError: null, hasToken: true });
    const after = await getHealth({ db: t.db, organizationId: sandbox.organizationId });
    expect(after.zoho_api).toMatchObject({ credential_state: 'accepted', refresh_refused: null, credential_error: null, token_valid: true });
    expect(alertsOf(after)).toEqual([]);
    expect(sandbox.stats().tokensMinted).toBe(1);
  });

  it('turns critical when the token expires without a successful refresh, and a good refresh ends it', async () => {
    await good.zoho.request('GET', 'inventory', `/items/${itemId}`);
    await expect(bad.token.refresh()).rejects.toThrow(/invalid_client/);
    await sql`UPDATE zoho_oauth_tokens SET expires_at = now() - interval '1 second'`.execute(t.db);

    const h = await getHealth({ db: t.db, organizationId: sandbox.organizationId });
    expect(h.status).toBe('critical');
    expect(h.zoho_api).toMatchObject({ token_valid: false, credential_valid: false, credential_state: 'refused', credential_error: { reason: 'invalid_client' }, refresh_refused: null });
    expect(alertsOf(h)).toEqual(['zoho_credential_invalid:critical']);
    const text = (await good.health.report('text')) as string;
    expect(text).toContain('Credential: refused by Zoho (invalid_client)');

    // serve, with the right secret, refreshes (its next call past expiry would): healthy again.
    await good.token.refresh();
    const after = await getHealth({ db: t.db, organizationId: sandbox.organizationId });
    expect(after.zoho_api).toMatchObject({ token_valid: true, credential_state: 'accepted', credential_error: null });
    expect(alertsOf(after)).toEqual([]);
  });

  it('a refusal recorded while a request was on its way is not cleared by that request', async () => {
    await good.zoho.request('GET', 'inventory', `/items/${itemId}`);
    await sql`UPDATE zoho_oauth_tokens SET last_error = ${INVALID_CLIENT}, last_error_at = clock_timestamp()`.execute(t.db);
    const { clearRefreshErrorAfterUse } = await import('../src/zoho-access/postgres-token-store');
    // A request sent 5 s ago (before the refusal) proves nothing about the token after it.
    expect(await clearRefreshErrorAfterUse(t.db, sandbox.organizationId, 5_000)).toBeNull();
    expect((await good.token.status()).lastError).toBe(INVALID_CLIENT);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await clearRefreshErrorAfterUse(t.db, sandbox.organizationId, 0)).toBe(INVALID_CLIENT);
    expect((await good.token.status()).lastError).toBeNull();
  });

  it('seeded: a refused refresh with 57 min left renders as one consistent line', async () => {
    const ORG = sandbox.organizationId;
    await sql`
UPDATE zoho_oauth_tokens SET expires_at = now() + interval '57 minutes 30 seconds', last_error = ${INVALID_CLIENT}, last_error_at = now() - interval '2 minutes'
WHERE organization_id = ${ORG}`.execute(t.db);
    const health = await getHealth({ db: t.db, organizationId: ORG });
    expect(alertsOf(health)).toEqual(['zoho_refresh_failed:warning']);
    const finding = health.findings.find((f) => f.code === 'zoho_refresh_failed')!;
    expect(finding.problem).toContain('the stored access token still works, expires in 57 min');
    expect(finding.remediation).toContain('tds token refresh');
    const text = renderStatusReport(await buildHealthReport({ db: t.db, organizationId: ORG }));
    expect(text).toContain('⚠️  Token: the last refresh attempt failed 2 min ago (invalid_client); the stored token still works, expires in 57 min');
  });
});
