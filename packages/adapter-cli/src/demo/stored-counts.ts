import type { TdsCore } from '@tsh/tds-core';

export interface StoredCounts {
  webhookEvents: number;
  queueItems: number;
}

/** Rows in the webhook inbox and the queue: a refused webhook must change neither. */
export async function storedCounts(core: Pick<TdsCore, 'db'>): Promise<StoredCounts> {
  const [events, queue] = await Promise.all([
    core.db.selectFrom('tds_webhook_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    core.db.selectFrom('tds_sync_queue').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { webhookEvents: Number(events.n), queueItems: Number(queue.n) };
}
