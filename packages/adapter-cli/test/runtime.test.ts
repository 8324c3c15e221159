import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/runtime/config';
import { readEnvironment, withOverrides } from '../src/runtime/environment';
import { parseEntities } from '../src/runtime/entities';
import { formatTable, formatTree } from '../src/runtime/format';
import type { CliIo } from '../src/runtime/io';
import { parseDailyTime, parseIsoDate } from '../src/runtime/parse';
import { createLineProgress } from '../src/runtime/progress';
import { failedSyncResults, formatSyncResults } from '../src/runtime/sync-results';
import type { SyncOutcome } from '@tsh/tds-core';

type SyncRunResult = Extract<SyncOutcome, { runId: string }>;
type SyncCounts = SyncRunResult['counts'];
import { runCli } from '../src/run-cli';

const NO_COUNTS: SyncCounts = { pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0, restored: 0, skipped: 0, deadLettered: 0, requestsUsed: 0 };

/** A full sync result of 1.5 s as core.sync.run returns it. */
function syncRun(entity: SyncRunResult['entity'], status: SyncRunResult['status'], error: string | null, counts: Partial<SyncCounts>): SyncRunResult {
  const startedAt = new Date('2026-01-01T00:00:00Z');
  return { runId: 'r', entity, mode: 'full', status, error, counts: { ...NO_COUNTS, ...counts }, startedAt, finishedAt: new Date(startedAt.getTime() + 1500), cursor: null };
}

function captureIo(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stderrIsTTY: false, out: () => out, err: () => err };
}

describe('entities', () => {
  it('accepts all, or known entities without repeats, case-insensitively', () => {
    expect(parseEntities(['all'])).toBe('all');
    expect(parseEntities(['Products', 'stock', 'products'])).toEqual(['products', 'stock']);
  });
  it('refuses unknown entities, all mixed with others, and nothing', () => {
    expect(() => parseEntities(['items'])).toThrow(/unknown entity "items"/);
    expect(() => parseEntities(['all', 'bills'])).toThrow(/either all or a list/);
    expect(() => parseEntities([])).toThrow(/at least one entity/);
  });
});

describe('argument parsers', () => {
  it('reads ISO dates with Zoho-style offsets', () => {
    expect(parseIsoDate('2025-06-03T14:22:47+0300').toISOString()).toBe('2025-06-03T11:22:47.000Z');
    expect(parseIsoDate('2025-06-03T14:22:47+03:00').toISOString()).toBe('2025-06-03T11:22:47.000Z');
    expect(parseIsoDate('2025-06-03').toISOString()).toBe('2025-06-03T00:00:00.000Z');
    expect(() => parseIsoDate('2025-13-45')).toThrow(/real date/);
    expect(() => parseIsoDate('June 3')).toThrow(/ISO 8601/);
  });
  it('reads HH:MM or off for the nightly reconcile', () => {
    expect(parseDailyTime('2:30')).toBe('02:30');
    expect(parseDailyTime('OFF')).toBeNull();
    expect(() => parseDailyTime('24:00')).toThrow(/HH:MM/);
  });
});

describe('environment', () => {
  it('the real environment wins over the .env file, flags win over both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tds-env-'));
    try {
      writeFileSync(join(dir, '.env'), 'TDS_WORKERS=4\nPORT=4000\nexport TDS_LEASE_SECONDS=90\n');
      const env = readEnvironment({ cwd: dir, processEnv: { PORT: '5000' } });
      expect(env).toMatchObject({ TDS_WORKERS: '4', PORT: '5000', TDS_LEASE_SECONDS: '90' });
      expect(withOverrides(env, { PORT: 6000, TDS_WORKERS: undefined })).toMatchObject({ PORT: '6000', TDS_WORKERS: '4' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a config error becomes one usage error naming variables and flags, never values', () => {
    let message = '';
    try {
      resolveConfig({ TDS_WORKERS: 'seven-hundred', ZOHO_CLIENT_SECRET: 'do-not-print-me' }, { zoho: true }, { TDS_WORKERS: '--workers' });
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
      message = (error as Error).message;
    }
    expect(message).toMatch(/TDS_WORKERS \(or --workers\) must be a whole number/);
    expect(message).toMatch(/ZOHO_CLIENT_ID is required/);
    expect(message).not.toMatch(/seven-hundred|do-not-print-me/);
  });
});

describe('output formatting', () => {
  it('tables align columns and show null as -', () => {
    const text = formatTable([{ id: '1', note: null }, { id: '22', note: 'ok' }]);
    expect(text.split('\n')).toEqual(['id  note', '--  ----', '1   -', '22  ok']);
  });
  it('trees nest objects and render arrays of records as tables', () => {
    const text = formatTree({ pending: 3, by_entity: [{ entity_type: 'products', pending: 3 }], zoho: { ok: true } });
    expect(text).toContain('pending: 3');
    expect(text).toMatch(/by_entity:\n {2}entity_type {2}pending/);
    expect(text).toContain('zoho:\n  ok: true');
  });
  it('sync results flatten their counts, and failures are found', () => {
    const results: SyncOutcome[] = [
      syncRun('products', 'succeeded', null, { fetched: 5, inserted: 5, requestsUsed: 2 }),
      syncRun('bills', 'failed', 'Zoho said no', { requestsUsed: 1 }),
      { entity: 'stock', mode: 'full', status: 'skipped', error: 'a sync of stock is already running for this organization' },
    ];
    const lines = formatSyncResults(results).split('\n');
    expect(lines[0]).toMatch(/^entity\s+mode\s+status\s+fetched\s+inserted\s+updated\s+restored\s+unchanged\s+stale\s+skipped\s+deadLettered\s+deleted\s+pages\s+requests\s+duration\s+error$/);
    expect(lines[2]).toMatch(/^products\s+full\s+succeeded\s+5\s+5\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+2\s+1\.5s\s+-$/);
    expect(lines[4]).toMatch(/^stock\s+full\s+skipped\s+(-\s+){12}a sync of stock is already running/);
    expect(failedSyncResults(results).map((r) => r.entity)).toEqual(['bills', 'stock']);
  });

  it('shows every outcome column, so inserted … deadLettered add up to fetched', () => {
    const counts = { pages: 2, fetched: 12, inserted: 3, updated: 2, restored: 1, unchanged: 2, stale: 1, skipped: 2, deadLettered: 1, deleted: 4, requestsUsed: 3 };
    const [header, , row] = formatSyncResults([syncRun('customers', 'succeeded', null, counts)]).split('\n');
    const cells = Object.fromEntries(header!.split(/\s+/).map((name, i) => [name, row!.split(/\s+/)[i]]));
    const outcomes = ['inserted', 'updated', 'restored', 'unchanged', 'stale', 'skipped', 'deadLettered'];
    expect(outcomes.reduce((sum, name) => sum + Number(cells[name]), 0)).toBe(Number(cells.fetched));
    expect(cells).toMatchObject({ fetched: '12', restored: '1', skipped: '2', deleted: '4', requests: '3' });
  });
});

describe('plain progress lines', () => {
  it('prints each phase change once and holds repeated updates within the interval', () => {
    const io = captureIo();
    const progress = createLineProgress(io, { intervalMs: 60_000 });
    const base = { entity: 'products', pages: 1, records: 200, requestsUsed: 2, ratePerMinute: 90, etaSeconds: 75 };
    progress.onProgress({ ...base, phase: 'fetching' });
    progress.onProgress({ ...base, phase: 'fetching', pages: 2, records: 400 });
    progress.onProgress({ ...base, phase: 'done', pages: 3, records: 512, etaSeconds: null });
    const lines = io.err().trim().split('\n');
    expect(lines).toEqual([
      'sync products: fetching, 1 pages, 200 records, 2 requests, 90/min, ETA 1m15s',
      'sync products: done, 3 pages, 512 records, 2 requests, 90/min',
    ]);
  });
});

describe('runCli in-process', () => {
  it('returns exit codes instead of exiting, and writes to the given streams', async () => {
    const io = captureIo();
    expect(await runCli(['sync', 'nothing'], { io, env: {}, cwd: tmpdir() })).toBe(2);
    expect(io.err()).toMatch(/unknown entity "nothing"/);
    const help = captureIo();
    expect(await runCli(['--help'], { io: help, env: {}, cwd: tmpdir() })).toBe(0);
    expect(help.out()).toMatch(/Usage: tds/);
  });
});
