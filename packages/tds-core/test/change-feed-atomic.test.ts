import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProduct, createApplyContext } from '../src/apply';
import { readChanges } from '../src/changes';
import { item, rawItem } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { waitFor } from './helpers/wait-for';

// A change and its feed row commit or roll back together: a worker process killed while its apply
// transaction is open (blocked on a row lock after it wrote the product) leaves neither.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const childBackends = async () =>
  (await sql<{ pid: number; wait_event_type: string | null; state: string }>`
    SELECT pid, wait_event_type, state FROM pg_stat_activity WHERE application_name = 'tds-test-apply-child' AND datname = current_database()`.execute(t.db)).rows;

describe('atomicity', () => {
  it('a worker killed mid-transaction leaves no change and no feed row; the retried apply leaves exactly one', { timeout: 60_000 }, async () => {
    const raw = rawItem();
    const id = String(raw.item_id);
    await applyProduct(t.db, item(raw), createApplyContext());
    const { cursor } = await readChanges(t.db, { limit: 1000 });
    const renamed = { ...raw, name: 'Renamed by the killed worker', last_modified_time: '2025-06-10T00:00:00+0300' };

    // Hold the category row, so the child's apply blocks right after writing the product.
    const holder = await t.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM categories WHERE zoho_category_id = $1 FOR UPDATE', [raw.category_id]);
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/fixtures/apply-product-child.ts'], {
        cwd: packageDir,
        env: { ...process.env, TDS_TEST_DB_URL: t.url, CHILD_ITEM: JSON.stringify(renamed) },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await waitFor(async () => (await childBackends()).some((b) => b.wait_event_type === 'Lock'), { timeoutMs: 30_000, label: 'the child blocked inside its transaction' });
      // The product row and its feed row are written but not committed: no reader sees either.
      expect((await readChanges(t.db, { after: cursor })).changes).toEqual([]);
      child.kill('SIGKILL');
      await exited;
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    await waitFor(async () => (await childBackends()).length === 0, { timeoutMs: 30_000, label: 'the killed worker backend gone' });

    const stored = await t.db.selectFrom('products').select('name').where('zoho_item_id', '=', id).executeTakeFirstOrThrow();
    expect(stored.name).toBe(raw.name);
    expect((await readChanges(t.db, { after: cursor })).changes).toEqual([]);
    expect((await sql<{ n: string }>`SELECT count(*)::text AS n FROM tds_changes`.execute(t.db)).rows[0].n).toBe('2');

    // The queue retries the item: now it commits, with exactly one feed row.
    expect(await applyProduct(t.db, item(renamed), createApplyContext())).toBe('updated');
    const after = await readChanges(t.db, { after: cursor });
    expect(after.changes.map((c) => [c.entity, c.zoho_id, c.op, c.columns])).toEqual([['products', id, 'update', ['name']]]);
  });
});
