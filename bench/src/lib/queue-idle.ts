import type pg from 'pg';
import { sleep } from './row-result';

/**
 * Resolves once no queue item is pending or processing, polling every `pollMs`. Each poll probes the
 * queue's two partial indexes (one EXISTS per status): a condition on both statuses at once, or a
 * count, reads the whole queue on every poll, CPU taken from the run being measured.
 */
export async function untilQueueIdle(pool: pg.Pool, pollMs = 50): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ busy: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM tds_sync_queue WHERE status = 'pending') OR EXISTS (SELECT 1 FROM tds_sync_queue WHERE status = 'processing') AS busy`,
    );
    if (!rows[0]!.busy) return;
    await sleep(pollMs);
  }
}
