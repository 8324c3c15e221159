import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The smallest form of what the chaos run found: a connection that is checked out of the pool
// and idle between two queries (a sync holding its run lock while it waits for Zoho, a
// transaction between statements) when its backend is terminated.

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('a backend terminated under a held connection', () => {
  it('fails the next query on that connection instead of crashing the process, and the pool goes on', async () => {
    const held = t.db.connection().execute(async (conn) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
      const ended = await sql<{ ok: boolean }>`SELECT pg_terminate_backend(${rows[0]!.pid}) AS ok`.execute(t.db);
      expect(ended.rows).toEqual([{ ok: true }]);
      // Long enough for the FATAL message to reach the idle, checked-out client.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return sql`SELECT 1`.execute(conn);
    });
    await expect(held).rejects.toThrow(/terminat|Connection/i);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(t.db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});
