import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { parseJsonOutput, runCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// What every command checks before it starts working: Zoho URLs that could never be spoken to stop
// it with the one configuration message (exit 2), and a database that does not answer is named
// by where DATABASE_URL points (exit 1), never by its password.

const work = makeWorkDir();
const ADMIN = 'admin-Secret-Value-startup-0123456789';
const ZOHO = {
  ZOHO_CLIENT_ID: '1000.CLIENTID',
  ZOHO_CLIENT_SECRET: 'cs-Secret-Value-startup',
  ZOHO_REFRESH_TOKEN: '1000.rt-Secret-Value-startup',
  ZOHO_ORGANIZATION_ID: '80012345',
  ZOHO_WEBHOOK_SECRET: 'wh-Secret-Value-startup',
  TDS_ADMIN_TOKEN: ADMIN,
};
let refused: number;
const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

beforeAll(async () => {
  await ensureCliBuilt();
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refused = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}, 200_000);
afterAll(() => work.remove());

describe('Zoho URLs are checked at start by every command', { timeout: SPAWN_TIMEOUT_MS }, () => {
  // Before the check, serve listened with such a URL (it only failed at the first Zoho call).
  for (const command of [['serve', '--port', '0'], ['sync', 'products'], ['token', 'refresh'], ['queue', 'status']]) {
    it(`${command.join(' ')} stops with exit 2 naming ZOHO_API_URL and ZOHO_ACCOUNTS_URL, without their values`, async () => {
      const r = await runCli(command, {
        cwd: work.dir,
        timeoutMs: 30_000,
        env: {
          ...ZOHO,
          DATABASE_URL: `postgres://postgres@127.0.0.1:${refused}/none`,
          ZOHO_API_URL: 'ftp://x',
          ZOHO_ACCOUNTS_URL: 'ftp://proxy-user:proxy-Pass-4471@accounts.example',
        },
      });
      expect(r.code, output(r)).toBe(2);
      expect(r.stderr).toMatch(/ZOHO_API_URL must be an http:\/\/ or https:\/\/ URL/);
      expect(r.stderr).toMatch(/ZOHO_ACCOUNTS_URL must be an http:\/\/ or https:\/\/ URL/);
      expect(r.stderr.match(/configuration error/g)).toHaveLength(1);
      expect(output(r)).not.toContain('proxy-Pass-4471');
      expect(output(r)).not.toContain('ftp://');
      expect(output(r)).not.toContain('ECONNREFUSED');
    });
  }

  it('a URL that is not a URL at all is refused the same way; http and https pass', async () => {
    const bad = await runCli(['sync', 'products'], { cwd: work.dir, timeoutMs: 30_000, env: { ...ZOHO, ZOHO_API_URL: 'zohoapis.eu' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ZOHO_API_URL must be an http:\/\/ or https:\/\/ URL/);
    // Valid URLs get past the configuration: the command then fails on the database, exit 1.
    const good = await runCli(['queue', 'status'], {
      cwd: work.dir,
      timeoutMs: 30_000,
      env: { ...ZOHO, DATABASE_URL: `postgres://postgres@127.0.0.1:${refused}/none`, ZOHO_API_URL: 'http://127.0.0.1:9', ZOHO_ACCOUNTS_URL: 'https://accounts.example' },
    });
    expect(good.code, output(good)).toBe(1);
    expect(good.stderr).not.toMatch(/configuration error/);
  });
});

describe('an unreachable database is named by DATABASE_URL host:port', { timeout: SPAWN_TIMEOUT_MS }, () => {
  const env = () => ({ ...ZOHO, DATABASE_URL: `postgres://tds:db-Password-9931@127.0.0.1:${refused}/tds?password=q-Password-2207` });

  for (const command of [['serve', '--port', '0'], ['queue', 'status'], ['sync', 'products'], ['migrate']]) {
    it(`${command.join(' ')} exits 1 saying the database at DATABASE_URL (127.0.0.1:port) could not be reached`, async () => {
      const r = await runCli(command, { cwd: work.dir, timeoutMs: 30_000, env: env() });
      expect(r.code, output(r)).toBe(1);
      expect(r.stderr).toContain(`could not reach the database at DATABASE_URL (127.0.0.1:${refused})`);
      expect(r.stderr).toContain('ECONNREFUSED');
      for (const secret of ['db-Password-9931', 'q-Password-2207', ADMIN, ZOHO.ZOHO_CLIENT_SECRET]) expect(output(r)).not.toContain(secret);
    });
  }

  it('--json says the same in its error document, with the driver code', async () => {
    const r = await runCli(['queue', 'status', '--json'], { cwd: work.dir, timeoutMs: 30_000, env: env() });
    expect(r.code).toBe(1);
    const doc = parseJsonOutput(r) as { ok: boolean; error: { code: string; message: string; exitCode: number } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'ECONNREFUSED', exitCode: 1 } });
    expect(doc.error.message).toContain(`DATABASE_URL (127.0.0.1:${refused})`);
    expect(output(r)).not.toContain('db-Password-9931');
  });
});
