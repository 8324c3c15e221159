import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli';

// A `--json` command that fails still answers with one JSON document on stdout (README, "CLI
// reference"), so a script parsing stdout reads the failure instead of choking on an empty string.

async function run(args: string[], env: Record<string, string | undefined>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { io: { stdout, stderr, stderrIsTTY: false }, cwd: process.cwd(), env });
  return { code, out, err };
}

// Nothing listens on port 1: the database refuses at once.
const unreachable = { DATABASE_URL: 'postgres://postgres:pw-for-test-9876@127.0.0.1:1/tds', PATH: process.env.PATH };

describe('--json commands that fail', () => {
  it('print { ok: false, error } on stdout when the database cannot be reached, and the message on stderr', async () => {
    const { code, out, err } = await run(['queue', 'status', '--json'], unreachable);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({ ok: false, error: { code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED'), exitCode: 1 } });
    expect(err).toContain('tds: ');
    expect(out + err).not.toContain('pw-for-test-9876');
  });

  it('print a usage error document (exit 2) for a bad argument and for an unknown option', async () => {
    const badEntity = await run(['sync', 'nonsense', '--json'], unreachable);
    expect(badEntity.code).toBe(2);
    expect(JSON.parse(badEntity.out)).toEqual({ ok: false, error: { code: 'usage', message: expect.stringContaining('unknown entity "nonsense"'), exitCode: 2 } });
    const badOption = await run(['migrate', '--json', '--bogus'], unreachable);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.out)).toEqual({ ok: false, error: { code: 'usage', message: "unknown option '--bogus'", exitCode: 2 } });
  });

  it('leave stdout empty without --json (the message goes to stderr only)', async () => {
    const { code, out, err } = await run(['queue', 'status'], unreachable);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^tds: .*ECONNREFUSED/m);
  });
});
