import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt, packageDir } from './helpers/built-cli';
import { runCli, type CliResult } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const work = makeWorkDir();
const cwd = work.dir;

// Distinctive values: none of them may ever show up in what the CLI prints.
const SECRETS = {
  ZOHO_CLIENT_SECRET: 'cs-Secret-Value-91f3a7',
  ZOHO_REFRESH_TOKEN: '1000.rt-Secret-Value-58c2e4',
  ZOHO_WEBHOOK_SECRET: 'wh-Secret-Value-3b7d19',
  TDS_ADMIN_TOKEN: 'admin-Secret-Value-6e0c52-0123456789',
};
const ZOHO = { ZOHO_CLIENT_ID: '1000.CLIENTID', ZOHO_CLIENT_SECRET: SECRETS.ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN: SECRETS.ZOHO_REFRESH_TOKEN, ZOHO_ORGANIZATION_ID: '80012345' };

const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;
function expectNoSecret(r: CliResult, extra: string[] = []) {
  for (const secret of [...Object.values(SECRETS), ...extra]) expect(output(r)).not.toContain(secret);
}

beforeAll(async () => {
  await ensureCliBuilt();
}, 200_000);
afterAll(() => work.remove());

describe('configuration errors exit 2 and name each variable', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('sync without Zoho credentials names every missing ZOHO_* variable', async () => {
    const r = await runCli(['sync', 'all'], { cwd, env: { ZOHO_CLIENT_SECRET: SECRETS.ZOHO_CLIENT_SECRET } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const name of ['ZOHO_CLIENT_ID', 'ZOHO_REFRESH_TOKEN', 'ZOHO_ORGANIZATION_ID']) expect(r.stderr).toContain(`${name} is required`);
    expect(r.stderr).not.toContain('ZOHO_CLIENT_SECRET is required');
    expectNoSecret(r);
  });

  it('a bad organization id is named without echoing the value', async () => {
    const r = await runCli(['sync', 'products'], { cwd, env: { ...ZOHO, ZOHO_ORGANIZATION_ID: 'org-qwerty-zz' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ZOHO_ORGANIZATION_ID must be the numeric Zoho organization id/);
    expect(output(r)).not.toContain('org-qwerty-zz');
    expectNoSecret(r);
  });

  it('bad TDS_WORKERS and a non-PostgreSQL DATABASE_URL are both named in one message', async () => {
    const r = await runCli(['queue', 'status'], { cwd, env: { TDS_WORKERS: 'many', DATABASE_URL: 'mysql://root:pw-Hunter2-77@db.example/erp' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TDS_WORKERS must be a whole number/);
    expect(r.stderr).toMatch(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(r.stderr.match(/configuration error/g)).toHaveLength(1);
    expectNoSecret(r, ['pw-Hunter2-77', 'db.example']);
  });

  it('TDS_WORKERS out of range and a bad --workers flag are usage errors', async () => {
    const env = { ...ZOHO, TDS_WORKERS: '0', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    const r = await runCli(['worker'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TDS_WORKERS \(or --workers\) must be at least 1/);
    const flag = await runCli(['worker', '--workers', 'lots'], { cwd, env: { ...ZOHO } });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--workers/);
    expectNoSecret(flag);
  });

  it('serve refuses to start without ZOHO_WEBHOOK_SECRET and TDS_ADMIN_TOKEN', async () => {
    const r = await runCli(['serve'], { cwd, env: { ...ZOHO } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ZOHO_WEBHOOK_SECRET is required/);
    expect(r.stderr).toMatch(/TDS_ADMIN_TOKEN is required/);
    expect(r.stderr).not.toMatch(/ZOHO_CLIENT_ID/);
    expectNoSecret(r);
  });

  it('serve without the admin token names only that one, and never prints the webhook secret', async () => {
    const r = await runCli(['serve', '--port', '0'], { cwd, env: { ...ZOHO, ZOHO_WEBHOOK_SECRET: SECRETS.ZOHO_WEBHOOK_SECRET } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TDS_ADMIN_TOKEN is required/);
    expect(r.stderr).not.toMatch(/ZOHO_WEBHOOK_SECRET/);
    expectNoSecret(r);
  });

  it('a bad PORT is named with its flag', async () => {
    const r = await runCli(['serve'], { cwd, env: { ...ZOHO, ...SECRETS, PORT: '70000' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PORT \(or --port\) must be a port number/);
    expectNoSecret(r);
  });

  it('reads ./.env, and the real environment wins over it', async () => {
    const dir = makeWorkDir();
    try {
      writeFileSync(join(dir.dir, '.env'), `# a comment\nZOHO_CLIENT_ID=from-dotenv\nTDS_WORKERS=abc\nZOHO_CLIENT_SECRET="${SECRETS.ZOHO_CLIENT_SECRET}"\n`);
      const fromFile = await runCli(['sync', 'all'], { cwd: dir.dir });
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr).toMatch(/TDS_WORKERS must be a whole number/);
      expect(fromFile.stderr).not.toMatch(/ZOHO_CLIENT_ID is required/);
      expect(fromFile.stderr).not.toMatch(/ZOHO_CLIENT_SECRET is required/);
      expectNoSecret(fromFile);

      const overridden = await runCli(['sync', 'all'], { cwd: dir.dir, env: { TDS_WORKERS: '3' } });
      expect(overridden.code).toBe(2);
      expect(overridden.stderr).not.toMatch(/TDS_WORKERS/);
      expect(overridden.stderr).toMatch(/ZOHO_REFRESH_TOKEN is required/);
    } finally {
      dir.remove();
    }
  });

  it('--dotenv reads another file, and a missing one is a usage error', async () => {
    writeFileSync(join(cwd, 'other.env'), 'TDS_LEASE_SECONDS=-5\n');
    const r = await runCli(['--dotenv', 'other.env', 'queue', 'status'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TDS_LEASE_SECONDS must be/);
    const missing = await runCli(['--dotenv', 'nope.env', 'queue', 'status'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the env file .*nope\.env/);
  });

  it('a bad --log-level is named', async () => {
    const r = await runCli(['--log-level', 'loud', 'queue', 'status'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TDS_LOG_LEVEL \(or --log-level\) must be one of fatal, error, warn, info, debug, trace, silent/);
  });
});

describe('usage errors exit 2', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('an unknown entity, listing the valid ones', async () => {
    const r = await runCli(['sync', 'products', 'widgets'], { cwd, env: ZOHO });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown entity "widgets"');
    expect(r.stderr).toContain('products, customers, invoices, bills, stock, pricelists');
  });

  it('all mixed with entities, --full with --since, a bad --since', async () => {
    expect((await runCli(['sync', 'all', 'products'], { cwd, env: ZOHO })).code).toBe(2);
    const both = await runCli(['sync', 'products', '--full', '--since', '2025-06-01'], { cwd, env: ZOHO });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--full .* --since/);
    const bad = await runCli(['sync', 'products', '--since', 'last tuesday'], { cwd, env: ZOHO });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since .*ISO 8601/);
  });

  it('sync with no entity, an unknown command, an unknown option', async () => {
    expect((await runCli(['sync'], { cwd })).code).toBe(2);
    const unknown = await runCli(['synk'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'synk'/);
    expect(unknown.stderr).toMatch(/sync/);
    expect((await runCli(['health', '--colour'], { cwd })).code).toBe(2);
  });

  it('dlq retry needs exactly one of an id or --all, and ids are numbers', async () => {
    expect((await runCli(['dlq', 'retry'], { cwd })).code).toBe(2);
    expect((await runCli(['dlq', 'retry', '12', '--all'], { cwd })).code).toBe(2);
    const notId = await runCli(['dlq', 'retry', 'abc'], { cwd });
    expect(notId.code).toBe(2);
    expect(notId.stderr).toMatch(/whole numbers/);
  });

  it('serve schedule flags are checked', async () => {
    const env = { ...ZOHO, ...SECRETS };
    const badTime = await runCli(['serve', '--full-at', '25:00'], { cwd, env });
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--full-at .*HH:MM/);
    const badInterval = await runCli(['serve', '--sync-every', 'often'], { cwd, env });
    expect(badInterval.code).toBe(2);
    expect(badInterval.stderr).toMatch(/--sync-every .*whole number/);
    expectNoSecret(badTime);
  });

  it('dlq resolve needs a non-empty --note', async () => {
    const r = await runCli(['dlq', 'resolve', '12'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--note/);
    expect((await runCli(['dlq', 'resolve', '12', '--note', '  '], { cwd })).code).toBe(2);
  });

  it('dlq list --entity must be a known entity', async () => {
    const r = await runCli(['dlq', 'list', '--entity', 'orders'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown entity "orders"');
  });
});

describe('help and version', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('--help lists every command on stdout and exits 0', async () => {
    const r = await runCli(['--help'], { cwd });
    expect(r.code).toBe(0);
    for (const command of ['migrate', 'serve', 'worker', 'sync', 'queue', 'dlq', 'token', 'heal', 'health', 'report', 'sandbox', 'demo']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const sub = await runCli(['dlq', '--help'], { cwd });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/list/);
    expect(sub.stdout).toMatch(/retry/);
    expect(sub.stdout).toMatch(/resolve/);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], { cwd });
    expect(r.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(r.stdout.trim()).toBe(version);
  });
});
