import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { parseJsonOutput, runCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// `tds health` when the database cannot be reached: the answer is still a health document
// (emergency, database_unreachable), on stdout, exit 1 (docs/hardening.md).

const work = makeWorkDir();
const ADMIN = 'admin-Secret-Value-for-health-0123456789';
let refused: number;
let blackhole: net.Server;
let blackholePort: number;
const held: net.Socket[] = [];

beforeAll(async () => {
  await ensureCliBuilt();
  // A port nothing listens on (connection refused) …
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refused = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  // … and a server that accepts connections and never answers (a frozen PostgreSQL).
  blackhole = net.createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  blackholePort = (blackhole.address() as net.AddressInfo).port;
}, 200_000);
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => blackhole?.close(() => resolve()));
  work.remove();
});

describe('tds health with the database down', { timeout: SPAWN_TIMEOUT_MS }, () => {
  for (const [name, port, extra] of [
    ['refused', () => refused, {}],
    ['not answering', () => blackholePort, { TDS_DB_CONNECT_TIMEOUT_MS: '500' }],
  ] as const) {
    it(`--json prints a document saying the database is unreachable, exit 1 (connection ${name})`, async () => {
      const r = await runCli(['health', '--json'], {
        cwd: work.dir,
        env: { DATABASE_URL: `postgres://tds:db-password-xyz@127.0.0.1:${port()}/tds`, ZOHO_ORGANIZATION_ID: '80012345', TDS_ADMIN_TOKEN: ADMIN, ...extra },
      });
      expect(r.code, r.stderr).toBe(1);
      const doc = parseJsonOutput(r) as { status: string; findings: Array<{ code: string; component: string }> };
      expect(doc.status).toBe('emergency');
      expect(doc.findings).toEqual([expect.objectContaining({ code: 'database_unreachable', component: 'database' })]);
      expect(`${r.stdout}${r.stderr}`).not.toContain('db-password-xyz');
      expect(`${r.stdout}${r.stderr}`).not.toContain(ADMIN);
    });
  }

  it('without --json the same answer is printed as text, exit 1', async () => {
    const r = await runCli(['health'], { cwd: work.dir, env: { DATABASE_URL: `postgres://tds@127.0.0.1:${refused}/tds` } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Status: EMERGENCY/);
    expect(r.stdout).toContain('database_unreachable');
  });
});
