import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProduct, createApplyContext } from '../src/apply';
import { createSyncHandlers } from '../src/handlers';
import type { QueueItem } from '../src/queue/types';
import { runHandlers } from '../src/workers/run-handlers';
import { item, rawItem } from './apply-fixtures';
import { startGatedZoho } from './fixtures/gated-zoho';
import { gatedZohoClient } from './fixtures/restore-race-actors';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// What a chaos run dead-lettered: valid records delivered whole, claimed in one batch with a
// deletion check while Zoho was slow (rate budget spent by a sync). The handler deadline failed the
// whole batch, copies already applied included, five times over. Copies are applied before Zoho is
// asked, and at the deadline the handler's own outcomes are kept: only the check goes back.

let t: TestDatabase;
let zoho: Awaited<ReturnType<typeof startGatedZoho>>;

beforeAll(async () => {
  [t, zoho] = await Promise.all([createTestDatabase(), startGatedZoho()]);
});
afterAll(async () => {
  await zoho?.close();
  await t?.close();
});

const queueItem = (fields: Partial<QueueItem>): QueueItem =>
  ({ id: String(Math.random()).slice(2), entity_type: 'products', operation: 'upsert', payload: null, source: 'webhook', ...fields }) as QueueItem;

describe('a batch whose Zoho request outlives the handler deadline', () => {
  it('completes the carried copies and sends only the item that waited for Zoho back for a retry', async () => {
    const stored = rawItem();
    const checked = String(stored.item_id);
    zoho.live.set(checked, stored);
    await applyProduct(t.db, item(stored), createApplyContext());
    // Zoho never answers this check within the deadline.
    const held = zoho.expect(checked);

    const copies = [rawItem({ name: 'Copy one' }), rawItem({ name: 'Copy two' })];
    const items = [
      queueItem({ zoho_id: checked, operation: 'delete' }),
      ...copies.map((copy) => queueItem({ zoho_id: String(copy.item_id), payload: { item: copy } as QueueItem['payload'] })),
    ];
    const handlers = createSyncHandlers({ db: t.db, zoho: gatedZohoClient(zoho.url) });
    const outcomes = await runHandlers(items, handlers, { workerId: 'deadline', controller: new AbortController(), timeoutMs: 500 });
    await held.arrived;

    expect(outcomes.slice(1).map((o) => o.status)).toEqual(['completed', 'completed']);
    // The check goes back: a failed attempt when Zoho had its request for half the deadline or more,
    // else deferred (sent late, after the copies were applied on a busy machine: docs/webhooks-and-queue.md).
    const check = outcomes[0]!;
    if (check.status === 'failed') {
      expect(check).toMatchObject({ retryable: true });
      expect(check.error).toMatch(/while Zoho had the request for \d+ ms: handler did not finish within 500 ms/);
    } else {
      expect(check).toMatchObject({ status: 'deferred' });
      expect(check.status === 'deferred' && check.reason).toMatch(/aborted (while Zoho had the request for \d+ ms|while waiting to ask Zoho): handler did not finish within 500 ms/);
    }
    const names = await t.db.selectFrom('products').select(['zoho_item_id', 'name', 'deleted_at']).where('zoho_item_id', 'in', copies.map((c) => String(c.item_id))).orderBy('name').execute();
    expect(names.map((r) => [r.name, r.deleted_at])).toEqual([
      ['Copy one', null],
      ['Copy two', null],
    ]);
  });
});
