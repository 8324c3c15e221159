import type { TdsCore } from '@tsh/tds-core';

export interface QueueBacklog {
  pending: number;
  processing: number;
  /** Pending and due now. */
  ready: number;
  /** Pending after a failed attempt. */
  retrying: number;
}

const count = (value: unknown, name: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`core.queue.status() reported no ${name} count`);
  return n;
};

/** The counts of core.queue.status() the demo waits on. */
export function queueBacklog(status: { pending?: unknown; processing?: unknown; ready?: unknown; retrying?: unknown }): QueueBacklog {
  return { pending: count(status.pending, 'pending'), processing: count(status.processing, 'processing'), ready: count(status.ready, 'ready'), retrying: count(status.retrying, 'retrying') };
}

/**
 * Nothing left to do now: nothing processing, due or failing. Items scheduled for later (a repeat
 * of a delivery that asks Zoho is checked again a minute after the first was: docs/deletions.md,
 * "Replays") are not waited for; the caller reports them.
 */
export const queueSettled = (b: QueueBacklog): boolean => b.processing === 0 && b.ready === 0 && b.retrying === 0;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Polls until the queue is settled (queueSettled); the backlog it ended on, with `drained` false
 * when the time ran out or the signal aborted first.
 */
export async function waitForQueueToDrain(
  core: Pick<TdsCore, 'queue'>,
  options: { timeoutMs: number; signal: AbortSignal; pollMs?: number; onPoll?: (backlog: QueueBacklog) => void },
): Promise<QueueBacklog & { drained: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const backlog = queueBacklog(await core.queue.status());
    options.onPoll?.(backlog);
    if (queueSettled(backlog)) return { ...backlog, drained: true };
    if (Date.now() >= deadline || options.signal.aborted) return { ...backlog, drained: false };
    await sleep(options.pollMs ?? 250, options.signal);
  }
}
