import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCustomer, applyProduct, createApplyContext } from '../src/apply';
import { databaseNow } from '../src/apply/ask-time';
import { applyingFetchedRecord } from '../src/apply/record-origin';
import { applyingRepair } from '../src/apply/repair-scope';
import { contact, item, rawContact, rawItem, zohoId } from './apply-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// A verify repair re-applies Zoho's record at the stored version (docs/verify.md). Two workers can
// apply the same record at once: the repair of version 1 and a webhook of version 2. Whatever the
// interleaving, version 2 must win; a repair that wrote regardless of the version would let the
// older copy overwrite it whenever it commits second.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/** A small seeded generator, so a failing interleaving can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const V1 = '2025-06-03T14:22:47+0300';
const V2 = '2025-06-03T14:30:00+0300';

describe('verify repair racing a newer version', () => {
  it('products and customers: 40 seeded interleavings each, the newer version always stays', { timeout: 60_000 }, async () => {
    const random = seeded(16);
    const ctx = createApplyContext();
    const lost: string[] = [];
    for (let round = 0; round < 40; round++) {
      const itemId = zohoId();
      const contactId = zohoId();
      await applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'v1', last_modified_time: V1 })), ctx);
      await applyCustomer(t.db, contact(rawContact({ contact_id: contactId, contact_name: 'v1', last_modified_time: V1 })), ctx);
      await sql`UPDATE products SET name = 'tampered' WHERE zoho_item_id = ${itemId}`.execute(t.db);
      await sql`UPDATE customers SET name = 'tampered' WHERE zoho_contact_id = ${contactId}`.execute(t.db);
      const delays = [0, 1, 2, 3].map(() => Math.floor(random() * 4));
      await Promise.all([
        pause(delays[0]).then(() => applyingRepair(() => applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'v1', last_modified_time: V1 })), ctx))),
        pause(delays[1]).then(() => applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'v2', last_modified_time: V2 })), ctx)),
        pause(delays[2]).then(() => applyingRepair(() => applyCustomer(t.db, contact(rawContact({ contact_id: contactId, contact_name: 'v1', last_modified_time: V1 })), ctx))),
        pause(delays[3]).then(() => applyCustomer(t.db, contact(rawContact({ contact_id: contactId, contact_name: 'v2', last_modified_time: V2 })), ctx)),
      ]);
      const p = await t.db.selectFrom('products').select(['name']).where('zoho_item_id', '=', itemId).executeTakeFirstOrThrow();
      const c = await t.db.selectFrom('customers').select(['name']).where('zoho_contact_id', '=', contactId).executeTakeFirstOrThrow();
      if (p.name !== 'v2') lost.push(`round ${round}: product ${p.name}`);
      if (c.name !== 'v2') lost.push(`round ${round}: customer ${c.name}`);
    }
    expect(lost).toEqual([]);
  });

  it('a repair alone rewrites a tampered row at its own version', async () => {
    const ctx = createApplyContext();
    const itemId = zohoId();
    await applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'v1', last_modified_time: V1 })), ctx);
    await sql`UPDATE products SET name = 'tampered' WHERE zoho_item_id = ${itemId}`.execute(t.db);
    expect(await applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'v1', last_modified_time: V1 })), ctx)).toBe('unchanged');
    expect(await applyingRepair(() => applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'v1', last_modified_time: V1 })), ctx))).toBe('updated');
    const p = await t.db.selectFrom('products').select(['name']).where('zoho_item_id', '=', itemId).executeTakeFirstOrThrow();
    expect(p.name).toBe('v1');
  });

  it('a repair over a stored version Zoho never had: Zoho\'s record wins, unless a newer one was written after Zoho was asked (40 seeded interleavings)', { timeout: 60_000 }, async () => {
    const random = seeded(23);
    const ctx = createApplyContext();
    const AHEAD = '2025-07-01T00:00:00+0300'; // stored, but never Zoho's
    const NEWER = '2025-07-02T00:00:00+0300'; // a real edit delivered after the repair asked Zoho
    const wrong: string[] = [];
    for (let round = 0; round < 40; round++) {
      const itemId = zohoId();
      await applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'ahead', last_modified_time: AHEAD })), ctx);
      const askedAt = await databaseNow(t.db);
      const repair = () => applyingRepair(() => applyingFetchedRecord(askedAt, () => applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'zoho', last_modified_time: V1 })), ctx)));
      const withNewer = round % 2 === 0;
      const delays = [0, 1].map(() => Math.floor(random() * 4));
      await Promise.all([
        pause(delays[0]).then(repair),
        withNewer ? pause(delays[1]).then(() => applyProduct(t.db, item(rawItem({ item_id: itemId, name: 'newer', last_modified_time: NEWER })), ctx)) : null,
      ]);
      const [name, version] = withNewer ? ['newer', NEWER] : ['zoho', V1];
      const p = await sql<{ name: string; at_version: boolean }>`
SELECT name, zoho_last_modified_time = ${version}::timestamptz AS at_version FROM products WHERE zoho_item_id = ${itemId}`.execute(t.db);
      if (p.rows[0]?.name !== name || p.rows[0]?.at_version !== true) wrong.push(`round ${round}: ${JSON.stringify(p.rows[0])}, expected ${name} at ${version}`);
    }
    expect(wrong).toEqual([]);
  });
});
