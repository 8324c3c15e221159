import { describe, expect, it } from 'vitest';
import { queueBacklog, queueSettled, waitForQueueToDrain } from '../src/demo/wait-for-queue';

// The demo waits until the queue has nothing left to do now; an item scheduled for later (a repeated
// delivery checked with Zoho again after a pause: docs/deletions.md, "Replays") does not hold it.

const status = (counts: Partial<Record<'pending' | 'processing' | 'ready' | 'retrying', number>>) => ({ pending: 0, processing: 0, ready: 0, retrying: 0, ...counts });

describe('the demo queue wait', () => {
  it('is settled with an item scheduled for later, not with one due, processing or retrying', () => {
    expect(queueSettled(queueBacklog(status({})))).toBe(true);
    expect(queueSettled(queueBacklog(status({ pending: 1 })))).toBe(true);
    expect(queueSettled(queueBacklog(status({ pending: 1, ready: 1 })))).toBe(false);
    expect(queueSettled(queueBacklog(status({ processing: 1 })))).toBe(false);
    expect(queueSettled(queueBacklog(status({ pending: 1, retrying: 1 })))).toBe(false);
  });

  it('refuses a status without the counts it waits on', () => {
    expect(() => queueBacklog({ pending: 0, processing: 0 })).toThrow(/ready/);
  });

  it('returns once the due work is done, with what is left for later', async () => {
    const polls = [status({ pending: 3, ready: 2 }), status({ processing: 1, pending: 1 }), status({ pending: 1 })];
    const core = { queue: { status: async () => polls.shift() ?? status({}) } } as unknown as Parameters<typeof waitForQueueToDrain>[0];
    const result = await waitForQueueToDrain(core, { timeoutMs: 5_000, signal: new AbortController().signal, pollMs: 1 });
    expect(result).toEqual({ pending: 1, processing: 0, ready: 0, retrying: 0, drained: true });
    expect(polls).toHaveLength(0);
  });

  it('says not drained when the time runs out', async () => {
    const core = { queue: { status: async () => status({ pending: 1, ready: 1 }) } } as unknown as Parameters<typeof waitForQueueToDrain>[0];
    const result = await waitForQueueToDrain(core, { timeoutMs: 20, signal: new AbortController().signal, pollMs: 5 });
    expect(result.drained).toBe(false);
  });
});
