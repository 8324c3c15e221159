import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, ensureCliBuilt } from './helpers/built-cli';
import { runCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

// Bad arguments are usage errors: exit 2, one clear message, nothing reaches the database.
const work = makeWorkDir();
const cwd = work.dir;
const ZOHO = { ZOHO_CLIENT_ID: '1000.CLIENTID', ZOHO_CLIENT_SECRET: 'cs-x', ZOHO_REFRESH_TOKEN: '1000.rt-x', ZOHO_ORGANIZATION_ID: '80012345' };
// A reachable database, so an id that slipped past the CLI would fail in the core (exit 1), not on the configuration.
const env = { ...ZOHO, DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' };

beforeAll(async () => {
  await ensureCliBuilt();
}, 200_000);
afterAll(() => work.remove());

describe('--since must be a real calendar date', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.each([
    ['2025-02-30T00:00:00Z', /February 2025 has 28 days/],
    ['2025-02-29', /February 2025 has 28 days/],
    ['2025-04-31T10:00:00+03:00', /April 2025 has 30 days/],
    ['2025-13-01', /no month 13/],
    ['2025-06-01T24:00:00Z', /hour 24/],
    ['2025-06-01T10:00:00+1500', /beyond ±14:00/],
  ])('tds sync products --since %s exits 2: is not a real date', async (since, why) => {
    const r = await runCli(['sync', 'products', '--since', since], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--since .*is not a real date/);
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('dead-letter ids', { timeout: SPAWN_TIMEOUT_MS }, () => {
  const message = /dead letter ids are whole numbers from 1 to 9223372036854775807 \(see tds dlq list\), not "/;
  it.each([['0'], ['99999999999999999999999'], ['9223372036854775808'], ['abc'], ['1.5'], ['01'], ['1e3']])(
    'tds dlq retry|resolve %s exits 2 with the same message',
    async (id) => {
      for (const args of [['dlq', 'retry', id], ['dlq', 'resolve', id, '--note', 'checked by hand']]) {
        const r = await runCli(args, { cwd, env });
        expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/QueueInputError|Error:|\n\s+at /);
      }
    },
  );
});
