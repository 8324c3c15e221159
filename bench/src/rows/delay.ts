// Row 5 of `pnpm bench`: sync delay, from sending a webhook to its row being visible in
// PostgreSQL, at a steady 200 webhooks/s. The server (serveTds + 2 workers of one core, as
// `tds serve` runs them) is a process of its own; a trigger added to this scratch database's
// products table NOTIFYs when a row commits, and this process LISTENs: "visible" is the moment
// the notification arrives. Run alone: pnpm bench delay [--rate=200] [--seconds=15].
import { Agent } from 'node:http';
import pg from 'pg';
import { createDatabase, migrate } from '@tsh/tds-core';
import { DEFAULT_WORKER_BATCH_SIZE } from '@tsh/tds-core/internal';
import { createScratchDatabase } from '../lib/scratch-database';
import { startTdsServerProcess } from '../lib/tds-server-process';
import { itemWebhookBody, itemWebhookId, postItemWebhook } from '../lib/signed-item-webhook';
import { fmt, option, percentile, reportRow, sleep } from '../lib/row-result';

const RATE = option('rate', 'BENCH_DELAY_RATE', 200);
const SECONDS = option('seconds', 'BENCH_DELAY_SECONDS', 15);
const SECRET = 'benchDelayWebhookSecret2025';

const scratch = await createScratchDatabase('delay');
const database = await createDatabase({ url: scratch.url, maxConnections: 4 });
const listener = new pg.Client({ connectionString: scratch.url });
listener.on('error', () => {});
let server: Awaited<ReturnType<typeof startTdsServerProcess>> | undefined;
try {
  await migrate(database.db);
  await database.pool.query(`
    CREATE FUNCTION bench_row_visible() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('bench_row_visible', NEW.zoho_item_id); RETURN NULL; END $$`);
  await database.pool.query(`CREATE TRIGGER bench_row_visible AFTER INSERT OR UPDATE ON products FOR EACH ROW EXECUTE FUNCTION bench_row_visible()`);
  const visibleAt = new Map<string, number>();
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.payload && !visibleAt.has(message.payload)) visibleAt.set(message.payload, performance.now());
  });
  await listener.query('LISTEN bench_row_visible');

  server = await startTdsServerProcess(scratch.url, SECRET);
  const agent = new Agent({ keepAlive: true });
  // Warm-up (JIT, connections), not measured.
  await Promise.all(Array.from({ length: 200 }, (_, n) => postItemWebhook(agent, server!.port, SECRET, itemWebhookBody(10_000_000 + n))));
  await sleep(2000);

  const total = Math.round(RATE * SECONDS);
  console.log(`delay: ${fmt(total)} webhooks at ${RATE}/s over HTTP, each a new product`);
  const sentAt = new Map<string, number>();
  const acks: number[] = [];
  let refused = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    const wait = started + (n * 1000) / RATE - performance.now();
    if (wait > 1) await sleep(wait);
    const id = itemWebhookId(n);
    const t0 = performance.now();
    sentAt.set(id, t0);
    pending.push(
      postItemWebhook(agent, server.port, SECRET, itemWebhookBody(n)).then((status) => {
        acks.push(performance.now() - t0);
        if (status < 200 || status >= 300) refused++;
      }),
    );
  }
  await Promise.all(pending);
  const deadline = performance.now() + 120_000;
  while ([...sentAt.keys()].some((id) => !visibleAt.has(id)) && performance.now() < deadline) await sleep(50);
  agent.destroy();

  const delays = [...sentAt].flatMap(([id, t0]) => (visibleAt.has(id) ? [visibleAt.get(id)! - t0] : [])).sort((a, b) => a - b);
  const missing = total - delays.length;
  const ackSorted = [...acks].sort((a, b) => a - b);
  const p50 = percentile(delays, 50);
  const p99 = percentile(delays, 99);
  console.log(`  visible: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${delays.at(-1)?.toFixed(1)} ms; acknowledged: p50 ${percentile(ackSorted, 50).toFixed(1)} ms; refused ${refused}, never visible ${missing}`);
  if (missing > 0 || refused > 0) throw new Error(`${refused} webhooks refused, ${missing} rows never became visible`);

  reportRow({
    row: 'delay',
    lines: [
      {
        benchmark: `Sync delay: webhook sent → row visible, ${RATE} webhooks/s`,
        tds: `p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`,
        reference: '',
        ratio: '',
        goal: 'p99 < 5 min (docs/architecture.md)',
        met: p99 < 300_000,
      },
    ],
    notes: [
      `Sync delay: ${fmt(total)} signed webhooks, each a new ~1 KB product, sent open-loop at ${RATE}/s for ${SECONDS} s to serveTds with the 2 workers of the same core (TDS_WORKERS=2, batches of up to ${DEFAULT_WORKER_BATCH_SIZE}, woken by LISTEN/NOTIFY) in a process of its own, logging at info to /dev/null. ` +
        `"Visible" is when the commit of the product row is notified to this process (a trigger on products added to the scratch database for the measurement), so each delay covers HTTP, verification, the inbox + queue write, waking a worker, claiming, transform, upsert and commit. ` +
        `Max ${delays.at(-1)!.toFixed(0)} ms; the HTTP answer itself took p50 ${percentile(ackSorted, 50).toFixed(1)} ms, p99 ${percentile(ackSorted, 99).toFixed(1)} ms.`,
    ],
  });
} finally {
  await server?.stop();
  await listener.end().catch(() => {});
  await database.close();
  await scratch.drop();
}
