// Row 9 of `pnpm bench`: webhooks to ERP rows, measured from outside. N signed webhooks, each a new
// ~1 KB product, are sent over HTTP by a closed loop of C connections to a TDS server with its 2
// workers in one process (delay-server.ts, as `tds serve` runs them), and timed by the database's
// clock from the first send to the completion of the last queue item: intake, queue and apply
// together, each competing with the others for the same two cores. Beside it `pgbench -N -c 2`,
// alternating (issue 19 measured the path this way: 0.11-0.15× then).
// Run alone: pnpm bench pipeline [--items=6000] [--connections=20] [--pairs=3]
import { Agent } from 'node:http';
import { createDatabase, migrate } from '@tsh/tds-core';
import { pgbenchTps } from '../lib/pgbench';
import { untilQueueIdle } from '../lib/queue-idle';
import { fmt, option, ratio, reportRow } from '../lib/row-result';
import { createScratchDatabase } from '../lib/scratch-database';
import { startTdsServerProcess } from '../lib/tds-server-process';
import { itemWebhookBody, itemWebhookId, postItemWebhook } from '../lib/signed-item-webhook';

const ITEMS = option('items', 'BENCH_PIPELINE_ITEMS', 6000);
const CONNECTIONS = option('connections', 'BENCH_PIPELINE_CONNECTIONS', 20);
const PAIRS = option('pairs', 'BENCH_PIPELINE_PAIRS', 3);
const PGBENCH_SECONDS = 10;
const WARM_UP = 1000;
const SECRET = 'benchPipelineWebhookSecret2025';

/** Sends webhooks first … first+count-1 with CONNECTIONS in flight; resolves when all were answered. */
async function sendAll(agent: Agent, port: number, first: number, count: number): Promise<number> {
  let next = first;
  let refused = 0;
  const lane = async () => {
    while (next < first + count) {
      const status = await postItemWebhook(agent, port, SECRET, itemWebhookBody(next++));
      if (status < 200 || status >= 300) refused++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, lane));
  return refused;
}

/** One run in a fresh database: a warm-up (other ids, drained, not counted), then the counted webhooks. */
async function pipelineRun(): Promise<{ itemsPerSecond: number; intakePerSecond: number }> {
  const scratch = await createScratchDatabase('pipeline');
  const database = await createDatabase({ url: scratch.url, maxConnections: 2 });
  let server: Awaited<ReturnType<typeof startTdsServerProcess>> | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await migrate(database.db);
    server = await startTdsServerProcess(scratch.url, SECRET);
    await sendAll(agent, server.port, 50_000_000, WARM_UP);
    await untilQueueIdle(database.pool);
    const { rows: [start] } = await database.pool.query<{ at: Date }>(`SELECT clock_timestamp() AS at`);
    const sendStarted = performance.now();
    const refused = await sendAll(agent, server.port, 0, ITEMS);
    const intakeSeconds = (performance.now() - sendStarted) / 1000;
    await untilQueueIdle(database.pool);
    const { rows: [end] } = await database.pool.query<{ seconds: number; stored: number; dead: number }>(
      `SELECT extract(epoch FROM max(completed_at) - $1::timestamptz)::float8 AS seconds,
              (SELECT count(*)::int FROM products WHERE zoho_item_id BETWEEN $2 AND $3) AS stored,
              (SELECT count(*)::int FROM tds_dead_letter_queue) AS dead
       FROM tds_sync_queue WHERE status = 'completed'`,
      [start!.at, itemWebhookId(0), itemWebhookId(ITEMS - 1)],
    );
    if (refused > 0 || end!.stored !== ITEMS || end!.dead > 0) throw new Error(`${refused} webhooks refused, ${end!.stored} of ${ITEMS} products stored, ${end!.dead} dead letters`);
    return { itemsPerSecond: ITEMS / end!.seconds, intakePerSecond: ITEMS / intakeSeconds };
  } finally {
    agent.destroy();
    await server?.stop();
    await database.close();
    await scratch.drop();
  }
}

console.log(`pipeline: ${fmt(ITEMS)} signed product webhooks over ${CONNECTIONS} connections to serveTds + 2 workers, timed to the last item applied; ${PAIRS} pairs with pgbench -N -c 2`);
const rates: number[] = [];
const intakes: number[] = [];
const tpsRuns: number[] = [];
let pgbenchError: string | null = null;
for (let pair = 1; pair <= PAIRS; pair++) {
  const run = await pipelineRun();
  rates.push(run.itemsPerSecond);
  intakes.push(run.intakePerSecond);
  console.log(`  TDS (${pair}/${PAIRS}): ${fmt(run.itemsPerSecond)} items/s applied (webhooks acknowledged at ${fmt(run.intakePerSecond)}/s)`);
  const reference = await pgbenchTps(2, PGBENCH_SECONDS);
  if (!('tps' in reference)) {
    pgbenchError = reference.error;
    console.log(`  pgbench: ${reference.error}`);
    break;
  }
  tpsRuns.push(reference.tps);
  console.log(`  pgbench -N -c 2 (${pair}/${PAIRS}): ${fmt(reference.tps)} TPS`);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const items = median(rates);
const tps = pgbenchError === null ? median(tpsRuns) : Number.NaN;

reportRow({
  row: 'pipeline',
  lines: [
    {
      benchmark: `Webhooks to rows, black-box: ${fmt(ITEMS)} new products by signed webhook, ${CONNECTIONS} connections, serve + 2 workers`,
      tds: `${fmt(items)} items/s (median of ${rates.length}: ${rates.map((r) => fmt(r)).join(', ')})`,
      reference: pgbenchError === null ? `pgbench -N, 2 clients: ${fmt(tps)} TPS (median of ${tpsRuns.length}: ${tpsRuns.map((r) => fmt(r)).join(', ')})` : `pgbench: ${pgbenchError}`,
      ratio: pgbenchError === null ? ratio(items, tps) : '',
      // No target of its own: issue 19's targets are the apply and webhooks rows; this is how the issue measured them together.
      goal: '',
    },
  ],
  notes: [
    `Pipeline: ${fmt(ITEMS)} signed ~1 KB product webhooks, each a new record, sent by a closed loop of ${CONNECTIONS} connections to serveTds with its 2 workers in one process (as \`tds serve\` runs them, logging at info to /dev/null), in a fresh database after a ${fmt(WARM_UP)}-webhook warm-up; the database's clock runs from the first send to the completion of the last queue item, so each figure covers HTTP, verification, the inbox and queue write, claiming, the set-based apply and its commit, all on the same two cores. ` +
      `Webhooks were acknowledged at ${intakes.map((r) => fmt(r)).join(', ')}/s in those runs (the intake answers once stored; the apply runs meanwhile). Beside it pgbench -N with 2 clients for ${PGBENCH_SECONDS} s after each run, as in the apply row.`,
  ],
});
