import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@tsh/tds-core';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { runCli, startCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// docs/hardening.md, "The embedded database": its last user stops it, whoever started it.
const work = makeWorkDir();
const dataDir = join(work.dir, '.tds', 'pg');
let sandbox: ZohoSandbox;
let env: Record<string, string>;
const ADMIN_TOKEN = 'embedded-lifetime-admin-token-0123456789abcdef';
const TERMINATING = /terminating connection due to administrator command/i;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postmaster(): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    process.kill(pid, 0);
    return { pid, port: Number(lines[3]) };
  } catch {
    return null;
  }
}

/** The latest heartbeat of a running worker, read straight from the embedded server. */
async function latestHeartbeat(): Promise<number> {
  const server = postmaster();
  if (!server) throw new Error('the embedded PostgreSQL is not running');
  const password = readFileSync(join(dataDir, 'tds.password'), 'utf8').trim();
  const database = await createDatabase({ url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${server.port}/postgres` });
  try {
    const rows = await database.db.selectFrom('tds_workers').select('last_heartbeat_at').where('stopped_at', 'is', null).execute();
    return Math.max(0, ...rows.map((r) => new Date(r.last_heartbeat_at as unknown as string).getTime()));
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  await ensureCliBuilt();
  sandbox = await startZohoSandbox({ seed: 'embedded-lifetime', items: 20, customers: 3, vendors: 1, invoices: 2, bills: 1 });
  // No DATABASE_URL: every command uses the embedded PostgreSQL under the work dir.
  env = { ...sandboxEnvironment(sandbox), TDS_ADMIN_TOKEN: ADMIN_TOKEN };
}, 200_000);

afterAll(async () => {
  const left = postmaster();
  if (left) process.kill(left.pid, 'SIGINT');
  await sandbox?.close();
  work.remove();
});

describe('the embedded PostgreSQL shared by several processes', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('a one-shot command stops its own database without "terminating connection" warnings', async () => {
    for (const args of [['migrate'], ['queue', 'status'], ['health']]) {
      const result = await runCli(args, { cwd: work.dir, env });
      expect(result.stderr).not.toMatch(TERMINATING);
      expect(postmaster()).toBeNull();
    }
  });

  it('stopping serve leaves the database to the attached worker, which keeps working; the worker, last out, stops it', async () => {
    const serve = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--no-scheduler', '--workers', '1'], { cwd: work.dir, env });
    await serve.waitFor(/listening on/);
    const worker = startCli(['worker', '--workers', '1'], { cwd: work.dir, env, timeoutMs: 120_000 });
    try {
      await worker.waitFor(/1 workers processing the queue/);
      expect(worker.stderr()).toMatch(/attached to the embedded PostgreSQL/);

      const served = await serve.stop('SIGTERM');
      expect(served.code).toBe(0);
      expect(served.stderr).toMatch(/left running .*other TDS processes still use it/);
      expect(served.stderr).not.toMatch(TERMINATING);
      expect(postmaster()).not.toBeNull();

      // The worker goes on: its heartbeat moves after serve is gone, and it loses no connection.
      const beat = latestHeartbeat;
      const before = await beat();
      let after = before;
      for (let i = 0; i < 100 && after === before; i++) {
        await sleep(200);
        after = await beat();
      }
      expect(after).toBeGreaterThan(before);
      expect(worker.stderr()).not.toMatch(/ECONNREFUSED|connection lost|terminating connection/i);
    } finally {
      await serve.stop('SIGTERM');
      const stopped = await worker.stop('SIGINT');
      expect(stopped.code).toBe(0);
      expect(stopped.stderr).not.toMatch(TERMINATING);
    }
    // Last out: the worker stopped the server serve had started.
    for (let i = 0; i < 50 && postmaster() !== null; i++) await sleep(100);
    expect(postmaster()).toBeNull();
  });
});
