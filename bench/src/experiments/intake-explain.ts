// Scratch measurement (not a bench row): what the webhook intake's transaction costs PostgreSQL.
// 1. The plan of every statement of one storeWebhooks batch (auto_explain: ANALYZE, BUFFERS,
//    triggers) at 1, 15 and 200 deliveries, over an inbox already holding PRIOR rows.
// 2. The backend's CPU per delivery (from /proc) over many batches of 15, with the inbox's indexes
//    as they are and with each secondary index dropped in turn.
// Run: node --conditions=source --import tsx src/experiments/intake-explain.ts [prior rows, default 100000]
import { readFileSync } from 'node:fs';
import { createDatabase, migrate } from '@tsh/tds-core';
import { storeWebhooks, verifyWebhook, type WebhookToStore } from '@tsh/tds-core/internal';
import { signZohoWebhook } from '@tsh/zoho-client';
import { createScratchDatabase } from '../lib/scratch-database';

const PRIOR = Number(process.argv[2] ?? 100_000);
const SECRET = 'intakeExplainSecret';
let next = 0;

/** The webhook benchmark's ~1 KB item delivery, a new record each call, verified as the intake does. */
function delivery(): WebhookToStore {
  const n = next++;
  const rawBody = Buffer.from(
    JSON.stringify({
      item: {
        item_id: `${4816000000000000 + n}`,
        name: `Router AX3000 #${n}`,
        sku: `RT-${n}`,
        status: 'active',
        rate: '1250000.25',
        purchase_rate: '990000.00',
        stock_on_hand: '12.5',
        description: 'Dual-band Wi-Fi 6 router, 4 LAN ports, 1 WAN port, WPA3, MU-MIMO',
        custom_fields: [{ customfield_id: '1', label: 'Arabic name', api_name: 'cf_name_ar', value: 'راوتر AX3000' }],
        last_modified_time: '2025-06-03T14:22:47+0300',
      },
    }),
  );
  const signature = signZohoWebhook({ secret: SECRET, rawBody, contentType: 'application/json' });
  return verifyWebhook({ secret: SECRET }, { entity: 'products', method: 'POST', query: {}, rawBody, contentType: 'application/json', signature });
}

const batch = (size: number) => Array.from({ length: size }, delivery);

/** CPU seconds a process has used so far, from /proc; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const scratch = await createScratchDatabase('intx');
const database = await createDatabase({ url: scratch.url, maxConnections: 2, applicationName: 'intx' });
try {
  await migrate(database.db);
  // An inbox with history (distinct records, each with a payload hash), as retention keeps it.
  await database.pool.query(
    `INSERT INTO tds_webhook_events (entity, zoho_id, method, event, payload_hash, signature_ok, queue_item_id, query)
     SELECT 'products', (4700000000000000 + g)::text, 'POST', 'upsert', md5(g::text) || md5((g + 1)::text), true, NULL, '{}'::jsonb
     FROM generate_series(1, $1::int) g`,
    [PRIOR],
  );
  await database.pool.query('VACUUM ANALYZE tds_webhook_events');
  for (let i = 0; i < 20; i++) await storeWebhooks(database.db, batch(15));

  // The pool's backends, looked up at each reading (the pool closes idle connections and opens new ones).
  const backendPids = async () =>
    (await database.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'intx'`)).rows.map((r) => r.pid);
  const backendCpu = async () => new Map((await backendPids()).map((pid) => [pid, cpuSeconds(pid)]));

  // 2. Backend CPU per delivery, batches of 15 (the webhook benchmark's mean batch on a loaded machine).
  async function cpuPerDelivery(label: string): Promise<void> {
    const rounds = 200;
    const batches = Array.from({ length: rounds }, () => batch(15));
    const before = await backendCpu();
    const t0 = performance.now();
    for (const b of batches) await storeWebhooks(database.db, b);
    const ms = performance.now() - t0;
    let cpu = 0;
    for (const [pid, seconds] of await backendCpu()) cpu += seconds - (before.get(pid) ?? 0);
    console.log(`${label}: backend CPU ${((cpu * 1000) / (rounds * 15)).toFixed(3)} ms per delivery, wall ${(ms / (rounds * 15)).toFixed(3)} ms per delivery`);
  }
  await cpuPerDelivery('inbox with all its indexes');
  await cpuPerDelivery('inbox with all its indexes (again)');
  for (const index of ['tds_webhook_events_payload_hash', 'tds_webhook_events_received_at']) {
    const { rows } = await database.pool.query<{ def: string }>('SELECT pg_get_indexdef($1::regclass) AS def', [index]);
    await database.pool.query(`DROP INDEX ${index}`);
    await cpuPerDelivery(`without ${index}`);
    await database.pool.query(rows[0]!.def);
  }

  // 1. The plans.
  const notices: string[] = [];
  const explained = await Promise.all([database.pool.connect(), database.pool.connect()]);
  for (const client of explained) {
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.query(
      `LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;
       SET auto_explain.log_timing = on; SET auto_explain.log_triggers = on; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice`,
    );
  }
  explained.forEach((c) => c.release());
  for (const size of [1, 15, 200]) {
    notices.length = 0;
    await storeWebhooks(database.db, batch(size));
    console.log(`\n===== one batch of ${size} =====\n${notices.join('\n\n')}`);
  }
} finally {
  await database.close();
  await scratch.drop();
}
