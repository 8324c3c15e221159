import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signZohoWebhook } from '@tsh/zoho-client';
import { createTdsCore, loadConfig, type TdsCore } from '@tsh/tds-core';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTdsRouter, type TdsRouter } from '../../src';
import { openSse } from './sse';
import { createTestDatabase, type TestDatabase } from './test-db';

/** The parts of an `express` module (4 or 5) a host application uses. */
export interface HostExpress {
  (): import('express').Express;
  json(): import('express').RequestHandler;
  urlencoded(options: { extended: boolean }): import('express').RequestHandler;
}

const ADMIN = 'admin-token-mounted-router-0123456789';
const AUTH = { Authorization: `Bearer ${ADMIN}` };

function listen(app: import('express').Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1');
    server.once('error', reject);
    server.once('listening', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));

/**
 * The TDS router mounted into a host's own Express app the way docs/embedding.md tells: under a
 * prefix, next to the host's body parsers, closed with the host's server. Run once per Express
 * major version, with that version's express running both the host and the router's routes.
 */
export function describeMountedRouter(version: string, hostExpress: HostExpress): void {
  describe(`the TDS router mounted in an Express ${version} app`, () => {
    let t: TestDatabase;
    let sandbox: ZohoSandbox;
    let core: TdsCore;
    let distDir: string;

    beforeAll(async () => {
      t = await createTestDatabase();
      sandbox = await startZohoSandbox({ port: 0, seed: 23, items: 10, customers: 2, vendors: 1, invoices: 1, bills: 1, requestsPerMinute: 10_000 });
      const config = loadConfig({ ...sandboxEnvironment(sandbox), DATABASE_URL: t.url, TDS_ADMIN_TOKEN: ADMIN, TDS_LOG_LEVEL: 'silent' });
      core = await createTdsCore({ config, database: t });
      distDir = await mkdtemp(join(tmpdir(), 'tds-mounted-dist-'));
      await mkdir(join(distDir, 'assets'));
      await writeFile(
        join(distDir, 'index.html'),
        '<!doctype html><html><head><link rel="icon" href="/tds/favicon.svg" /><script type="module" src="/tds/assets/app-1.js"></script></head><body></body></html>',
      );
      await writeFile(join(distDir, 'assets', 'app-1.js'), 'console.log("dashboard")');
    });

    afterAll(async () => {
      await core?.close();
      await sandbox?.close();
      await t?.close();
      if (distDir) await rm(distDir, { recursive: true, force: true });
    });

    const routerOf = () => createTdsRouter(core, { webhookSecret: sandbox.webhookSecret, adminToken: ADMIN, dashboard: { distDir } });

    async function signedDelivery(name: string) {
      const [itemId] = sandbox.store.idsOf('item');
      const detail = (await core.zoho.request('GET', 'inventory', `/items/${itemId}`)) as { item: Record<string, unknown> };
      const body = JSON.stringify({ item: { ...detail.item, name } });
      const signature = signZohoWebhook({ secret: sandbox.webhookSecret, query: {}, rawBody: Buffer.from(body), contentType: 'application/json' });
      return { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Zoho-Webhook-Signature': signature }, body };
    }

    const storedDeliveries = async () => Number((await t.pool.query<{ n: string }>('SELECT count(*) AS n FROM tds_sync_queue')).rows[0]!.n);

    async function withHost(build: (app: import('express').Express, tds: TdsRouter) => void, run: (url: string) => Promise<void>) {
      const app = hostExpress();
      const tds = routerOf();
      build(app, tds);
      const { server, url } = await listen(app);
      try {
        await run(url);
      } finally {
        tds.close();
        await closeServer(server);
      }
    }

    it('refuses a body a parser placed before it already read, with a 500 naming the fix, and stores nothing', async () => {
      await t.pool.query('TRUNCATE tds_sync_queue RESTART IDENTITY CASCADE');
      for (const parser of [hostExpress.json(), hostExpress.urlencoded({ extended: false })]) {
        await withHost(
          (app, tds) => {
            app.use(parser);
            app.use(tds);
          },
          async (url) => {
            const delivery = await signedDelivery('parsed before TDS');
            const form = { ...delivery, headers: { ...delivery.headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'JSONString=%7B%7D' };
            const res = await fetch(`${url}/api/zoho/webhooks/products`, parser.name === 'jsonParser' ? delivery : form);
            const body = (await res.json()) as { error: { code: string; message: string } };
            expect(res.status).toBe(500);
            expect(body.error.code).toBe('body_already_parsed');
            expect(body.error.message).toMatch(/mount the TDS router before your body parsers/);
          },
        );
      }
      expect(await storedDeliveries()).toBe(0);
    });

    it('works under a mount prefix next to the host routes and their own body parser', async () => {
      await withHost(
        (app, tds) => {
          app.post('/own/echo', hostExpress.json(), (req, res) => {
            res.json({ echoed: req.body });
          });
          app.use('/erp', tds);
        },
        async (url) => {
          const accepted = await fetch(`${url}/erp/api/zoho/webhooks/products`, await signedDelivery('mounted under /erp'));
          expect(accepted.status).toBe(202);
          expect(await storedDeliveries()).toBeGreaterThan(0);

          const own = await fetch(`${url}/own/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
          expect(await own.json()).toEqual({ echoed: { a: 1 } });

          const health = await fetch(`${url}/erp/api/health`);
          expect([200, 503]).toContain(health.status);
          expect(await health.json()).toHaveProperty('status');

          // An async route's rejection (an unknown entity) is answered, on Express 4 as on 5.
          const unknown = await fetch(`${url}/erp/api/tds/sync/widgets`, { method: 'POST', headers: AUTH });
          expect(unknown.status).toBe(404);
          expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_entity');
        },
      );
    });

    it('serves the dashboard under the prefix: redirect, page, assets and the API base all carry it', async () => {
      await withHost(
        (app, tds) => app.use('/erp', tds),
        async (url) => {
          const bare = await fetch(`${url}/erp/tds`, { redirect: 'manual' });
          expect(bare.status).toBe(301);
          expect(bare.headers.get('location')).toBe('/erp/tds/');

          const page = await (await fetch(`${url}/erp/tds/`)).text();
          expect(page).toContain('src="/erp/tds/assets/app-1.js"');
          expect(page).toContain('href="/erp/tds/favicon.svg"');
          expect(page).toContain('<meta name="tds-api-base" content="/erp">');
          expect(page).not.toMatch(/"\/tds\//);

          const asset = await fetch(`${url}/erp/tds/assets/app-1.js`);
          expect(asset.status).toBe(200);
          expect(await asset.text()).toContain('dashboard');
        },
      );
    });

    it('close() ends its open event streams, so the host server closes without waiting for them', async () => {
      const app = hostExpress();
      const tds = routerOf();
      app.use('/erp', tds);
      const { server, url } = await listen(app);
      const stream = await openSse(`${url}/erp/api/tds/changes/stream`, AUTH);
      expect(stream.res.status).toBe(200);
      expect(stream.ended).toBe(false);
      tds.close();
      await stream.ended$; // the change stream's own check would come only after its 15 s keep-alive
      await closeServer(server);
      expect(stream.ended).toBe(true);

      // A stream asked for after close() is ended at once.
      const late = hostExpress();
      late.use(tds);
      const again = await listen(late);
      const afterClose = await openSse(`${again.url}/api/tds/changes/stream`, AUTH);
      await afterClose.ended$;
      await closeServer(again.server);
    });
  });
}
