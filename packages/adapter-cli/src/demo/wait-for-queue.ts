import type { TdsCore } from '@tsh/tds-core';

export interface QueueBacklog {
  pending: number;
  processing: number;
}

/** Pending + processing from core.queue.status(). */
export function queueBacklog(status: { pending?: unknown; processing?: unknown }): QueueBacklog {
  const pending = Number(status.pending);
  const processing = Number(status.processing);
  if (!Number.isFinite(pending) || !Number.isFinite(processing)) {
    throw new Error('core.queue.status() reported no pending/processing counts');
  }
  return { pending, processing };
}

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

/** Polls until nothing is pending or processing; false when the time ran out or the signal aborted. */
export async function waitForQueueToDrain(
  core: Pick<TdsCore, 'queue'>,
  options: { timeoutMs: number; signal: AbortSignal; pollMs?: number; onPoll?: (backlog: QueueBacklog) => void },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const backlog = queueBacklog(await core.queue.status());
    options.onPoll?.(backlog);
    if (backlog.pending === 0 && backlog.processing === 0) return true;
    if (Date.now() >= deadline || options.signal.aborted) return false;
    await sleep(options.pollMs ?? 250, options.signal);
  }
}
