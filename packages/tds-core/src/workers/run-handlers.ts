import { errorText } from '../queue/error-text';
import type { QueueItem } from '../queue/types';
import type { BatchHandler, ItemOutcome } from './types';

type Failed = Extract<ItemOutcome, { status: 'failed' }>;

const failed = (id: string, error: string, retryable: boolean): Failed => ({ id, status: 'failed', error, retryable });

function readOutcome(value: unknown): ItemOutcome | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
  if (id === undefined) return undefined;
  if (o.status === 'completed') return { id, status: 'completed' };
  if (o.status === 'failed') return failed(id, errorText(o.error ?? 'handler reported a failure without an error'), o.retryable !== false);
  if (o.status === 'deferred') {
    const notBefore = o.notBefore instanceof Date && !Number.isNaN(o.notBefore.getTime()) ? o.notBefore : undefined;
    return { id, status: 'deferred', reason: errorText(o.reason ?? 'waiting on Zoho'), ...(notBefore ? { notBefore } : {}) };
  }
  return failed(id, 'handler returned an invalid outcome for this item', true);
}

/** How long a handler may take to report after its deadline signal fired. */
const ABORT_GRACE_MS = 2000;

/** Turns whatever a handler did (returned, threw, hung) into exactly one outcome per item. */
function settle(items: QueueItem[], result: { value?: unknown; error?: unknown; timedOut?: boolean }, timeoutMs: number): ItemOutcome[] {
  if (result.timedOut) {
    return items.map((i) => failed(i.id, `handler did not finish within ${timeoutMs} ms; abandoned`, true));
  }
  if ('error' in result) return items.map((i) => failed(i.id, errorText(result.error), true));
  if (!Array.isArray(result.value)) return items.map((i) => failed(i.id, 'handler returned no outcome list', true));
  const reported = new Map<string, ItemOutcome>();
  for (const value of result.value) {
    const outcome = readOutcome(value);
    if (outcome) reported.set(outcome.id, outcome);
  }
  return items.map((i) => reported.get(i.id) ?? failed(i.id, 'handler returned no outcome for this item', true));
}

/**
 * Runs a claimed batch through the handlers of its entity types (concurrently), with one deadline
 * for all of them. An entity type without a handler fails at once and for good.
 */
export async function runHandlers(
  items: QueueItem[],
  handlers: Record<string, BatchHandler>,
  ctx: { workerId: string; controller: AbortController; timeoutMs: number },
): Promise<ItemOutcome[]> {
  const groups = new Map<string, QueueItem[]>();
  for (const item of items) {
    const group = groups.get(item.entity_type);
    if (group) group.push(item);
    else groups.set(item.entity_type, [item]);
  }
  let timer: NodeJS.Timeout | undefined;
  // At the deadline the signal fires and handlers stop (their Zoho calls are cancelled) and report
  // what they did finish; only a handler still silent after a short grace is abandoned whole. Without
  // the grace, records a handler had already applied were failed with the rest and burnt a retry each
  // time a slow Zoho held the batch (the chaos run dead-lettered valid records that way).
  const deadline = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => {
      ctx.controller.abort(new Error(`handler did not finish within ${ctx.timeoutMs} ms`));
      timer = setTimeout(() => resolve({ timedOut: true }), ABORT_GRACE_MS);
    }, ctx.timeoutMs);
  });
  try {
    const settled = await Promise.all(
      [...groups].map(async ([entityType, group]) => {
        const handler = Object.hasOwn(handlers, entityType) ? handlers[entityType] : undefined;
        if (typeof handler !== 'function') {
          return group.map((i) => failed(i.id, `no handler registered for entity type "${entityType}"`, false));
        }
        const run = (async () => handler(group, { workerId: ctx.workerId, signal: ctx.controller.signal, timeoutMs: ctx.timeoutMs }))().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        return settle(group, await Promise.race([run, deadline]), ctx.timeoutMs);
      }),
    );
    return settled.flat();
  } finally {
    clearTimeout(timer);
  }
}
