// Scratch measurement (not a bench row): the plan and trigger times of one enqueueMany of 1 000
// new records, through auto_explain. Run: node --conditions=source --import tsx src/experiments/enqueue-explain.ts
import { createDatabase, migrate } from '@tsh/tds-core';
import { enqueueMany, type EnqueueInput } from '@tsh/tds-core/internal';
import { createScratchDatabase } from '../lib/scratch-database';

const scratch = await createScratchDatabase('enqx');
const database = await createDatabase({ url: scratch.url, maxConnections: 2, applicationName: 'enqx' });
try {
  await migrate(database.db);
  const entity = process.argv[2] ?? 'noop';
  for (let round = 0; round < 3; round++) {
    const events: EnqueueInput[] = [];
    for (let i = 0; i < 1000; i++) events.push({ entity_type: entity, zoho_id: `${round}-${i}`, payload: { n: i, name: 'x'.repeat(200) } });
    const t0 = performance.now();
    await enqueueMany(database.db, events);
    console.log(`round ${round}: ${(performance.now() - t0).toFixed(1)} ms`);
  }
  const notices: string[] = [];
  // Every pooled connection: auto_explain loaded and its plans sent to the client as notices.
  const clients = await Promise.all([database.pool.connect(), database.pool.connect()]);
  for (const client of clients) {
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.query(`LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = on; SET auto_explain.log_triggers = on; SET client_min_messages = log`);
  }
  clients.forEach((c) => c.release());
  const events: EnqueueInput[] = [];
  for (let i = 0; i < 1000; i++) events.push({ entity_type: entity, zoho_id: `x-${i}`, payload: { n: i, name: 'x'.repeat(200) } });
  await enqueueMany(database.db, events);
  console.log(notices.join('\n').slice(0, 6000));
} finally {
  await database.close();
  await scratch.drop();
}
