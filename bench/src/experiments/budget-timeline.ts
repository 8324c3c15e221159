// Scratch measurement (not a bench row): where the budget row loses time against its floor
// (docs/benchmarks.md, "budget"). The budget row's sync (syncEntity products, full, through
// createPostgresRateLimiter at 10 requests per 6 s with a 50 ms margin) with every request's
// timeline taken: asked for a slot (schedule called), granted (the slot's fn starts), sent (the
// client's onRequest hook), answered (fn returned), released (the release statement done), and
// its arrival at the sandbox (the sandbox's request log, same machine clock). Each limiter sleep is
// logged through the limiter's `sleep` option. For every request past the first window it splits
// the gap between the slot it waited for freeing (that request's release + window + margin) and
// its own send into: the walker not asking yet, polling late (sleep jitter, the timer, the acquire
// round trip), and grant → send. Run:
// node --conditions=source --import tsx src/experiments/budget-timeline.ts [--items=6000] [--csv=/tmp/budget.csv]
import { writeFileSync } from 'node:fs';
import type { RateLimiter } from '@tsh/zoho-client';
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase, migrate } from '@tsh/tds-core';
import { createPostgresRateLimiter, syncEntity } from '@tsh/tds-core/internal';
import { startZohoSandbox } from '@tsh/zoho-sandbox';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option } from '../lib/row-result';

const ITEMS = option('items', 'ITEMS', 6000);
const csvPath = process.argv.find((a) => a.startsWith('--csv='))?.slice(6);
const WINDOW_MS = 6000;
const LIMIT = 10;
const MARGIN_MS = 50;

/** Epoch milliseconds with sub-millisecond precision (the sandbox and PostgreSQL use the same clock). */
const now = () => performance.timeOrigin + performance.now();

interface Timeline {
  endpoint: string;
  asked: number;
  granted?: number;
  sent?: number;
  answered?: number;
  released?: number;
  sleeps: number[];
  arrived?: number;
}

const timelines: Timeline[] = [];
let current: Timeline | undefined;

function traced(inner: (sleep: (ms: number) => Promise<void>) => RateLimiter): RateLimiter {
  const limiter = inner((ms) => {
    current?.sleeps.push(ms);
    return new Promise((resolve) => setTimeout(resolve, ms));
  });
  return {
    ...limiter,
    async schedule(fn, options) {
      // The walker is serial: one request waits for a slot at a time, so `current` is that one.
      const t: Timeline = { endpoint: options?.endpoint ?? '', asked: now(), sleeps: [] };
      current = t;
      timelines.push(t);
      try {
        return await limiter.schedule(async () => {
          t.granted = now();
          try {
            return await fn();
          } finally {
            t.answered = now();
          }
        }, options);
      } finally {
        t.released = now();
      }
    },
  };
}

const sandbox = await startZohoSandbox({
  seed: 'bench-budget',
  items: ITEMS,
  customers: 2,
  vendors: 1,
  invoices: 1,
  bills: 1,
  requestsPerMinute: LIMIT,
  rateWindowMs: WINDOW_MS,
  maxConcurrent: 10,
  dailyLimit: 1_000_000,
});
const scratch = await createScratchDatabase('budgettl');
const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'budget-timeline' });
try {
  await migrate(database.db);
  const zoho = createZohoClient({
    organizationId: sandbox.organizationId,
    credentials: sandbox.credentials,
    accountsUrl: sandbox.accountsUrl,
    apiUrl: sandbox.apiUrl,
    rateLimiter: traced((sleep) =>
      createPostgresRateLimiter({ db: database.db, organizationId: sandbox.organizationId, requestsPerMinute: LIMIT, windowMs: WINDOW_MS, safetyMarginMs: MARGIN_MS, sleep }),
    ),
    hooks: {
      onRequest: () => {
        const t = timelines.at(-1);
        if (t) t.sent = now();
      },
    },
  });
  sandbox.resetStats();
  const started = now();
  const result = await syncEntity({ db: database.db, zoho }, 'products', { mode: 'full' });
  const finished = now();
  if (result.status !== 'succeeded') throw new Error(`the sync ${result.status}: ${result.error}`);
  const stats = sandbox.stats();
  const log = sandbox.requestLog();
  if (log.length === timelines.length) log.forEach((entry, i) => (timelines[i]!.arrived = entry.at));
  else console.log(`the sandbox logged ${log.length} requests for ${timelines.length} asked: arrivals left out`);

  const rel = (x: number | undefined) => (x === undefined ? '' : (x - started).toFixed(1));
  const lines = ['i,endpoint,asked,granted,sent,arrived,answered,released,sleeps'];
  timelines.forEach((t, i) => lines.push([i, t.endpoint, rel(t.asked), rel(t.granted), rel(t.sent), rel(t.arrived), rel(t.answered), rel(t.released), t.sleeps.join(' ')].join(',')));
  if (csvPath) writeFileSync(csvPath, `${lines.join('\n')}\n`);

  // Split each cycle: request i waited for the slot of request i - LIMIT (the walker is serial, so
  // that is the oldest of the window), which frees at its release + window + margin.
  const parts = { held: 0, margin: 0, walker: 0, poll: 0, grantToSend: 0, cycles: 0 };
  for (let i = LIMIT; i < timelines.length; i++) {
    const t = timelines[i]!;
    const oldest = timelines[i - LIMIT]!;
    const free = oldest.released! + WINDOW_MS + MARGIN_MS;
    const ready = t.asked;
    parts.cycles++;
    parts.held += oldest.released! - oldest.sent!;
    parts.margin += MARGIN_MS;
    if (ready > free) parts.walker += ready - free;
    parts.poll += t.granted! - Math.max(ready, free);
    parts.grantToSend += t.sent! - t.granted!;
  }
  const span = timelines.at(-1)!.sent! - timelines[LIMIT - 1]!.sent!;
  const ideal = ((timelines.length - LIMIT) / LIMIT) * WINDOW_MS;
  const ms = (x: number) => `${fmt(x)} ms (${((x / parts.cycles) * 1).toFixed(1)} per cycle)`;
  console.log(`${timelines.length} requests (sandbox: ${stats.apiRequests}, 429s ${stats.tooManyRequests}, most in a window ${stats.maxRequestsInWindow}), wall ${((finished - started) / 1000).toFixed(1)} s`);
  console.log(`sent[last] - sent[${LIMIT - 1}] = ${fmt(span)} ms against ${fmt(ideal)} ms: ${fmt(span - ideal)} ms lost over ${parts.cycles / LIMIT} windows, sustained ${((ideal / span) * 100).toFixed(1)} %`);
  console.log(`per request past the first window (${parts.cycles}), summed:`);
  console.log(`  slot held send → release (counted from release): ${ms(parts.held)}`);
  console.log(`  safety margin: ${ms(parts.margin)}`);
  console.log(`  walker not asking when the slot freed: ${ms(parts.walker)}`);
  console.log(`  slot free (or asked) → granted (polling): ${ms(parts.poll)}`);
  console.log(`  granted → sent: ${ms(parts.grantToSend)}`);
  console.log(`  (sum / ${LIMIT} = the loss if every request waited: ${fmt((parts.held + parts.margin + parts.walker + parts.poll + parts.grantToSend) / LIMIT)} ms)`);
  const sleeps = timelines.flatMap((t) => t.sleeps);
  console.log(`limiter sleeps: ${sleeps.length} (${sleeps.filter((s) => s <= 45).length} short: the in-flight cap or an empty window's 25 ms), per request ${(sleeps.length / timelines.length).toFixed(2)}`);
  const tail = finished - timelines.at(-1)!.released!;
  console.log(`before the first request ${fmt(timelines[0]!.sent! - started)} ms; after the last answer ${fmt(tail)} ms`);
} finally {
  await database.close();
  await scratch.drop();
  await sandbox.close();
}
