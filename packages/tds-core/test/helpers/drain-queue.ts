import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { claim, complete, failMany } from '../../src/queue';
import type { EntityType } from '../../src/transform';
import type { BatchHandler, ItemOutcome } from '../../src/workers';

export interface DrainOptions {
  workerId?: string;
  batchSize?: number;
}

/**
 * One claim of the queue run through the sync handlers as a worker runs it, entity by entity:
 * what they applied completes, what failed goes to the dead-letter queue at once (no retries, so a
 * test sees the reason). Returns the outcomes (none when nothing was pending).
 */
export async function drainQueueOnce(db: Kysely<Database>, handlers: Record<EntityType, BatchHandler>, { workerId = 'test-worker', batchSize = 500 }: DrainOptions = {}): Promise<ItemOutcome[]> {
  const items = await claim(db, { workerId, batchSize, leaseSeconds: 60 });
  const all: ItemOutcome[] = [];
  for (const entity of new Set(items.map((i) => i.entity_type as EntityType))) {
    const outcomes = await handlers[entity](items.filter((i) => i.entity_type === entity), { workerId, signal: new AbortController().signal });
    all.push(...outcomes);
    await complete(db, outcomes.filter((o) => o.status === 'completed').map((o) => o.id), workerId);
    await failMany(db, workerId, outcomes.flatMap((o) => (o.status === 'failed' ? [{ id: o.id, error: o.error, retryable: false }] : [])));
  }
  return all;
}

/** drainQueueOnce until nothing is pending; every outcome, in order. */
export async function drainQueue(db: Kysely<Database>, handlers: Record<EntityType, BatchHandler>, options: DrainOptions = {}): Promise<ItemOutcome[]> {
  const all: ItemOutcome[] = [];
  for (;;) {
    const outcomes = await drainQueueOnce(db, handlers, options);
    if (outcomes.length === 0) return all;
    all.push(...outcomes);
  }
}
