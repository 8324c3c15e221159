import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyZohoWebhookSignature } from '@tsh/zoho-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { parseJsonOutput, startCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const work = makeWorkDir();
const SMALL = ['--items', '20', '--customers', '5', '--invoices', '4', '--bills', '3'];

function parseEnvLines(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

beforeAll(async () => {
  await ensureCliBuilt();
}, 200_000);
afterAll(() => work.remove());

describe('tds sandbox', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('prints the env lines that point TDS at it, answers OAuth and the API with them, and stops on Ctrl-C', async () => {
    const cli = startCli(['sandbox', ...SMALL, '--mutate-every', '0'], { cwd: work.dir });
    try {
      await cli.waitFor(/^TDS_ADMIN_TOKEN=.+$/m, { on: 'stdout' });
      await cli.waitFor(/Ctrl-C stops it/);
      const env = parseEnvLines(cli.stdout());
      expect(Object.keys(env).sort()).toEqual(
        ['TDS_ADMIN_TOKEN', 'ZOHO_ACCOUNTS_URL', 'ZOHO_API_URL', 'ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_ORGANIZATION_ID', 'ZOHO_REFRESH_TOKEN', 'ZOHO_WEBHOOK_SECRET'].sort(),
      );
      // stdout holds only the env lines; the explanation goes to stderr
      expect(cli.stdout().trim().split('\n')).toHaveLength(8);
      expect(cli.stderr()).toMatch(/Zoho sandbox on http:\/\/127\.0\.0\.1:\d+ \(organization \d+\): 20 items/);

      const token = await fetch(`${env.ZOHO_ACCOUNTS_URL}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: env.ZOHO_CLIENT_ID!, client_secret: env.ZOHO_CLIENT_SECRET!, refresh_token: env.ZOHO_REFRESH_TOKEN! }),
      }).then((r) => r.json() as Promise<{ access_token?: string }>);
      expect(token.access_token).toMatch(/^1000\./);
      const items = await fetch(`${env.ZOHO_API_URL}/inventory/v1/items?organization_id=${env.ZOHO_ORGANIZATION_ID}`, {
        headers: { authorization: `Zoho-oauthtoken ${token.access_token}` },
      }).then((r) => r.json() as Promise<{ code: number; items: unknown[] }>);
      expect(items.code).toBe(0);
      expect(items.items).toHaveLength(20);
    } finally {
      const result = await cli.stop('SIGINT');
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/SIGINT received: stopping cleanly/);
    }
  });

  it('--json prints one JSON document with the URLs and the env (and the rate limit to keep to)', async () => {
    const cli = startCli(['sandbox', ...SMALL, '--mutate-every', '0', '--requests-per-minute', '500', '--json'], { cwd: work.dir });
    await cli.waitFor(/Ctrl-C stops it/);
    const result = await cli.stop('SIGTERM');
    expect(result.code).toBe(0);
    const doc = parseJsonOutput(result) as { url: string; organizationId: string; env: Record<string, string> };
    expect(doc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc.env.ZOHO_API_URL).toBe(doc.url);
    expect(doc.env.ZOHO_ORGANIZATION_ID).toBe(doc.organizationId);
    // a sandbox limit other than Zoho's 100/min comes with the matching TDS setting
    expect(doc.env.TDS_RATE_LIMIT_PER_MINUTE).toBe('500');
  });

  it('--webhooks-to sends a signed webhook to the right TDS route for each change', async () => {
    const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cli = startCli(['sandbox', ...SMALL, '--mutate-every', '1', '--mutate-count', '3', '--webhooks-to', target], { cwd: work.dir });
    try {
      await cli.waitFor(/^ZOHO_WEBHOOK_SECRET=.+$/m, { on: 'stdout' });
      const secret = parseEnvLines(cli.stdout()).ZOHO_WEBHOOK_SECRET!;
      await cli.waitFor(/(sandbox: webhook .*\n[^]*){3}/, { timeoutMs: 30_000 });
      expect(received.length).toBeGreaterThanOrEqual(3);
      for (const delivery of received) {
        const url = new URL(delivery.url, target);
        expect(url.pathname).toMatch(/^\/api\/zoho\/webhooks\/(products|stock|customers|invoices|bills|pricelists)$/);
        const valid = verifyZohoWebhookSignature({
          secret,
          signature: delivery.headers['x-zoho-webhook-signature'],
          query: Object.fromEntries(url.searchParams),
          rawBody: delivery.body,
          contentType: delivery.headers['content-type'],
        });
        expect(valid).toBe(true);
      }
    } finally {
      const result = await cli.stop('SIGINT');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(result.code).toBe(0);
    }
  });

  it('a bad --webhooks-to is a usage error', async () => {
    const result = await startCli(['sandbox', '--webhooks-to', 'ftp://example'], { cwd: work.dir }).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--webhooks-to .*http\(s\) URL/);
  });
});
