// Scratch measurement (not a bench row): what each part of the queue's write path costs, measured
// as variants of the schema applied to a fresh database, interleaved so that machine load hits
// each alike. Run: node --conditions=source --import tsx src/experiments/queue-variants.ts
import { createDatabase, migrate } from '@tsh/tds-core';
import { createWorkerPool, enqueueMany, type BatchHandler, type EnqueueInput } from '@tsh/tds-core/internal';
import { createScratchDatabase } from '../lib/scratch-database';
import { fmt, option, sleep } from '../lib/row-result';

const JOBS = option('jobs', 'JOBS', 20_000);
const ROUNDS = option('rounds', 'ROUNDS', 2);
const VARIANTS: Record<string, string> = {
  baseline: '',
  'no seed_operation trigger': 'DROP TRIGGER tds_seed_operation_insert ON tds_sync_queue',
  'no lease index': 'DROP INDEX tds_sync_queue_lease',
  'no completed index': 'DROP INDEX tds_sync_queue_completed',
};
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

async function once(variant: string, sqlText: string) {
  const scratch = await createScratchDatabase('qvar');
  const database = await createDatabase({ url: scratch.url, maxConnections: 10, applicationName: 'qvar' });
  try {
    await migrate(database.db);
    if (sqlText) await database.pool.query(sqlText);
    const noop: BatchHandler = async (items) => items.map((item) => ({ id: item.id, status: 'completed' as const }));
    const t0 = performance.now();
    for (let from = 0; from < JOBS; from += 1000) {
      const events: EnqueueInput[] = [];
      for (let i = from; i < from + 1000; i++) events.push({ entity_type: 'noop', zoho_id: String(i), payload: { n: i } });
      await enqueueMany(database.db, events);
    }
    const enqueue = JOBS / ((performance.now() - t0) / 1000);
    const pool = createWorkerPool({ db: database.db, pool: database.pool, handlers: { noop }, concurrency: 2, batchSize: 100, leaseSeconds: 60 });
    const t1 = performance.now();
    await pool.start();
    for (;;) {
      const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tds_sync_queue WHERE status IN ('pending', 'processing')`);
      if (rows[0]!.n === 0) break;
      await sleep(20);
    }
    const drain = JOBS / ((performance.now() - t1) / 1000);
    await pool.stop();
    console.log(`${variant.padEnd(28)} enqueue ${fmt(enqueue).padStart(7)}/s  drain ${fmt(drain).padStart(7)}/s`);
  } finally {
    await database.close();
    await scratch.drop();
  }
}

for (let r = 0; r < ROUNDS; r++) {
  for (const [name, sqlText] of Object.entries(VARIANTS)) if (!only || only.includes(name)) await once(name, sqlText);
}
