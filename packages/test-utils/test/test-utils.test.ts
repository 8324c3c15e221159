import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseFingerprint, truncateTables, waitFor, type TestDatabase } from '../src';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.pool.query(`CREATE TABLE parent (id serial PRIMARY KEY, name text);
    CREATE TABLE child (id serial PRIMARY KEY, parent_id int REFERENCES parent(id));`);
});
afterAll(() => t.close());

const adminUrl = () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  return url.toString();
};

describe('createTestDatabase', () => {
  it('gives a database of its own, migrated, and close() drops it', async () => {
    const other = await createTestDatabase();
    expect(other.name).not.toBe(t.name);
    const { rows } = await other.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'tds_sync_queue'`);
    expect(rows[0]!.n).toBe(1);
    await other.close();
    if (!process.env.DATABASE_URL) return; // an embedded server is gone with its last database
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    try {
      const left = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [other.name]);
      expect(left.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});

describe('truncateTables', () => {
  it('empties the tables, restarts their identities and empties the tables that reference them', async () => {
    await t.pool.query(`INSERT INTO parent (name) VALUES ('a'), ('b'); INSERT INTO child (parent_id) VALUES (1), (2);`);
    await truncateTables(t.pool, ['parent']);
    const counts = await t.pool.query<{ p: number; c: number }>(`SELECT (SELECT count(*) FROM parent)::int AS p, (SELECT count(*) FROM child)::int AS c`);
    expect(counts.rows[0]).toEqual({ p: 0, c: 0 });
    const again = await t.pool.query<{ id: number }>(`INSERT INTO parent (name) VALUES ('c') RETURNING id`);
    expect(again.rows[0]!.id).toBe(1);
  });

  it('quotes the names it is given and refuses an empty list', async () => {
    await expect(truncateTables(t.pool, ['parent; DROP TABLE child'])).rejects.toThrow(/does not exist/);
    await expect(truncateTables(t.pool, [])).rejects.toThrow(/at least one table/);
    const { rowCount } = await t.pool.query(`SELECT 1 FROM pg_tables WHERE tablename = 'child'`);
    expect(rowCount).toBe(1);
  });
});

describe('waitFor', () => {
  it('returns the first truthy value the check gives', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? `after ${calls}` : null), { intervalMs: 1 })).resolves.toBe('after 3');
  });

  it('throws naming what it waited for when the time is up', async () => {
    await expect(waitFor(() => false, { timeoutMs: 20, intervalMs: 5, label: 'the queue to drain' })).rejects.toThrow('timed out after 20 ms waiting for the queue to drain');
  });
});

describe('databaseFingerprint', () => {
  it('is the same while nothing is written and changes with any row', async () => {
    const before = await databaseFingerprint(t.db);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    await t.pool.query(`INSERT INTO parent (name) VALUES ('x')`);
    const after = await databaseFingerprint(t.db);
    expect(after.parent).not.toBe(before.parent);
    expect(after.child).toBe(before.child);
  });
});
