import { createTdsCore, loadConfig, type TdsCore } from '@tsh/tds-core';
import { signZohoWebhook } from '@tsh/zoho-client';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { httpSend } from './helpers/http';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from '@tsh/test-utils';

// The flood the review measured (400 anonymous health requests beside signed webhooks) against
// the real core on a real database: health is one shared snapshot, so the flood costs one
// reading of the database, and the webhooks are stored and applied meanwhile (docs/hardening.md).

const SECRET = 'zohoWebhookSecret42';
const ADMIN = 'admin-token-0123456789abcdef0123456789';
const ORG = '60012345678';
const HEALTH_REQUESTS = 400;
const WEBHOOKS = 60;

let t: TestDatabase;
let core: TdsCore;
let server: TdsServer;
const counted = { readings: 0, queries: 0 };

beforeAll(async () => {
  t = await createTestDatabase();
  // Every query the core sends is counted; a health reading starts with its own `SELECT now()`.
  const db = t.db.withPlugin({
    transformQuery(args) {
      counted.queries++;
      const node = args.node as { kind: string; sqlFragments?: readonly string[] };
      if (node.kind === 'RawNode' && node.sqlFragments?.join('?') === 'SELECT now() AS now') counted.readings++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  const config = loadConfig({
    DATABASE_URL: t.url,
    ZOHO_ORGANIZATION_ID: ORG,
    ZOHO_WEBHOOK_SECRET: SECRET,
    TDS_ADMIN_TOKEN: ADMIN,
    // Longer than the test: every request below is served from the first reading or waits for it.
    TDS_HEALTH_CACHE_MS: '300000',
  });
  core = await createTdsCore({ config, database: { ...t, db }, migrate: false, logger: pino({ level: 'silent' }), workers: { pollIntervalMs: 50 } });
  await core.start({ workers: true, healer: false, scheduler: false });
  server = await serveTds(core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0 });
  // An error text that must not reach an anonymous caller.
  await t.pool.query(`INSERT INTO zoho_oauth_tokens (organization_id, last_error, last_error_at) VALUES ($1, 'token refresh refused: invalid_code', now())`, [ORG]);
});
afterAll(async () => {
  await server?.close({ closeCore: false });
  await core?.close();
  await t?.close();
});

function webhook(n: number) {
  const body = JSON.stringify({ item: { item_id: String(880_000 + n), name: `Flood item ${n}`, rate: '10.50', status: 'active', last_modified_time: '2025-06-03T14:22:47+0300' } });
  const signature = signZohoWebhook({ secret: SECRET, rawBody: Buffer.from(body), contentType: 'application/json' });
  return httpSend(`${server.url}/api/zoho/webhooks/products`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature }, body });
}

it('400 concurrent anonymous health requests cost one reading of the database, show no details, and webhooks are applied meanwhile', async () => {
  const before = { ...counted };
  const [healthAnswers, webhookAnswers] = await Promise.all([
    Promise.all(Array.from({ length: HEALTH_REQUESTS }, () => httpSend(`${server.url}/api/health`, { method: 'GET' }))),
    Promise.all(Array.from({ length: WEBHOOKS }, (_, n) => webhook(n))),
  ]);

  expect(counted.readings - before.readings).toBe(1);
  for (const answer of healthAnswers) {
    expect([200, 503]).toContain(answer.status);
    expect(Object.keys(answer.body as object).sort()).toEqual(['checked_at', 'last_sync_timestamps', 'status']);
    expect(answer.text).not.toContain(ORG);
    expect(answer.text).not.toContain('invalid_code');
  }
  expect(webhookAnswers.map((a) => a.status)).toEqual(Array(WEBHOOKS).fill(202));
  const applied = await waitFor(
    async () => {
      const rows = await t.db.selectFrom('products').select('zoho_item_id').where('name', 'like', 'Flood item %').execute();
      return rows.length === WEBHOOKS ? rows : null;
    },
    { label: 'every flood webhook applied' },
  );
  expect(applied).toHaveLength(WEBHOOKS);

  // The details are there for the admin, from the same reading.
  const detailed = await httpSend(`${server.url}/api/health`, { method: 'GET', headers: { authorization: `Bearer ${ADMIN}` } });
  expect(detailed.body).toMatchObject({ organization_id: ORG, zoho_api: { last_error: expect.stringContaining('invalid_code') } });
  const metrics = await httpSend(`${server.url}/metrics`, { method: 'GET', headers: { authorization: `Bearer ${ADMIN}` } });
  expect(metrics.status).toBe(200);
  expect(metrics.text).toMatch(/^tds_health_status \d$/m);
  expect((await httpSend(`${server.url}/metrics`, { method: 'GET' })).status).toBe(401);
  expect(counted.readings - before.readings).toBe(1);
});
