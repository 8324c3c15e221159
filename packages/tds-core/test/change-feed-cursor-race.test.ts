import fc from 'fast-check';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChanges } from '../src/changes';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// Writers whose transactions write in one order and commit in another, with a reader advancing its
// cursor between the commits: the reader must end with every change exactly once. A cursor taken
// from a sequence inside the writing transaction fails this (a later-written row commits first,
// the reader passes its id, then the earlier row appears below the cursor): docs/change-feed.md,
// "Why the cursor is given after commit".

let t: TestDatabase;
let round = 0;

beforeAll(async () => {
  t = await createTestDatabase({ maxConnections: 12 });
});
afterAll(async () => {
  await t?.close();
});

async function seedProducts(ids: string[]): Promise<void> {
  await sql`INSERT INTO products (zoho_item_id, name) SELECT unnest(${ids}::text[]), 'seed'`.execute(t.db);
}

describe('cursor order under concurrent writers', () => {
  it('a reader between out-of-order commits never skips a change (fast-check, 60 interleavings)', { timeout: 120_000 }, async () => {
    let cursor = (await readChanges(t.db, { limit: 1000 })).cursor;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }).chain((writers) =>
          fc.record({
            // the order the writers make their writes, the order they commit, and whether the reader reads after each commit
            writeOrder: fc.shuffledSubarray([...Array(writers).keys()], { minLength: writers, maxLength: writers }),
            commitOrder: fc.shuffledSubarray([...Array(writers).keys()], { minLength: writers, maxLength: writers }),
            readAfter: fc.array(fc.boolean(), { minLength: writers, maxLength: writers }),
            rowsPerWriter: fc.integer({ min: 1, max: 3 }),
          }),
        ),
        async ({ writeOrder, commitOrder, readAfter, rowsPerWriter }) => {
          round++;
          const ids = writeOrder.map((w) => Array.from({ length: rowsPerWriter }, (_, r) => `race-${round}-${w}-${r}`));
          await seedProducts(ids.flat());
          cursor = (await readChanges(t.db, { after: cursor, limit: 1000 })).cursor;

          const clients: pg.PoolClient[] = [];
          const seen: string[] = [];
          const readOnce = async () => {
            const page = await readChanges(t.db, { after: cursor, limit: 1000 });
            seen.push(...page.changes.map((c) => c.zoho_id));
            cursor = page.cursor;
          };
          try {
            for (const w of writeOrder) {
              const client = await t.pool.connect();
              clients[w] = client;
              await client.query('BEGIN');
              await client.query(`UPDATE products SET name = 'renamed' WHERE zoho_item_id = ANY($1::text[])`, [ids[writeOrder.indexOf(w)]]);
            }
            for (const [i, w] of commitOrder.entries()) {
              await clients[w].query('COMMIT');
              if (readAfter[i]) await readOnce();
            }
          } finally {
            for (const client of clients) client?.release();
          }
          await readOnce();
          expect([...seen].sort()).toEqual(ids.flat().sort());
        },
      ),
      { numRuns: 60, seed: 20250617 },
    );
  });

  it('a reader polling in a loop while four writers commit concurrently sees every change once, in id order', { timeout: 120_000 }, async () => {
    const start = (await readChanges(t.db, { limit: 1000 })).cursor;
    const ids = Array.from({ length: 4 * 50 }, (_, i) => `loop-${i}`);
    await seedProducts(ids);
    let cursor = (await readChanges(t.db, { after: start, limit: 1000 })).cursor;
    let writing = true;
    const seen: Array<{ id: string; zoho_id: string }> = [];
    const reader = (async () => {
      for (;;) {
        const last = !writing;
        const page = await readChanges(t.db, { after: cursor, limit: 7 });
        seen.push(...page.changes);
        cursor = page.cursor;
        if (last && page.changes.length === 0) return;
      }
    })();
    await Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        for (let i = 0; i < 50; i++) {
          await t.db.transaction().execute(async (tx) => {
            await sql`UPDATE products SET name = 'written' WHERE zoho_item_id = ${ids[w * 50 + i]}`.execute(tx);
            // Hold the transaction open a moment so other writers' rows commit around it.
            if (i % 5 === w) await sql`SELECT pg_sleep(0.005)`.execute(tx);
          });
        }
      }),
    );
    writing = false;
    await reader;
    expect(seen.map((c) => c.zoho_id).sort()).toEqual([...ids].sort());
    const order = seen.map((c) => BigInt(c.id));
    expect(order.every((id, i) => i === 0 || id > order[i - 1])).toBe(true);
  });
});
