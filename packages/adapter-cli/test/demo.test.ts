import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from './helpers/built-cli';
import { runCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const work = makeWorkDir();

beforeAll(async () => {
  await ensureCliBuilt();
}, 200_000);
afterAll(() => work.remove());

describe('tds demo', () => {
  it('runs end to end with no configuration on an embedded PostgreSQL, and ends by itself', async () => {
    const result = await runCli(['demo', '--items', '80', '--webhooks', '12'], { cwd: work.dir, timeoutMs: 150_000 });
    if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    expect(result.stdout).toMatch(/80 items/);
    expect(result.stdout).toMatch(/12 signed webhooks → 12 accepted/);
    expect(result.stdout.match(/forged: .* → 401/g)?.length).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toMatch(/the forged ones stored nothing/);
    expect(result.stdout).toMatch(/queue empty after/);
    expect(result.stdout).toMatch(/What just happened/);
    expect(result.stdout).toMatch(/Demo finished in .*: everything worked/);
    // the embedded server's data stays for a look afterwards, and the server itself is stopped
    expect(existsSync(join(work.dir, '.tds', 'demo', 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(work.dir, '.tds', 'demo', 'pg', 'postmaster.pid'))).toBe(false);
  }, 160_000);
});
