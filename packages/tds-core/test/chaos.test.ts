import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { deliberatelyInvalid, FORGED, forgedWebhooks, sendBad } from './chaos/bad-webhooks';
import { extraStockRows } from './chaos/extra-rows';
import { duplicatedRows, itemsHeldBy, openQueueItems, retrying, terminateOtherBackends, waitUntilSettled, type ItemsFate } from './chaos/queue-probes';
import { ensureCliBuilt, TdsProcesses, type Supervised } from './chaos/tds-processes';
import { productHistory } from './chaos/record-history';
import { startWebhookRelay, type WebhookRelay } from './chaos/webhook-relay';
import { findWrongPrices } from './helpers/expected-prices';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';
import { alternatingReplays, postsAsDeletes, sendReplay, type Replay } from './chaos/replays';
import { compareCategories, compareCustomers, compareDeletedRows, compareDocuments, comparePriceLists, compareProducts, compareStockLevels } from './sync-fixtures';

// The chaos run (issue 9): the built `tds` CLI — a `serve` and two `worker` processes — against
// the Zoho sandbox with faults switched on (≈10 % 5xx, half of them HTML pages, 5 % random 429s,
// a few answers slower than the client's 30 s timeout, access tokens that must be replaced every 30 s) and a
// real PostgreSQL database of its own. Meanwhile the catalogue keeps changing, its webhooks reach
// TDS late, out of order and 20 % of them twice, forged and deliberately invalid webhooks are
// mixed in, a full sync (a `tds sync all --full` process) and then an incremental one (admin API)
// run, workers are SIGKILLed while holding items and restarted, and every backend of the database
// is terminated twice. Captured deliveries are replayed by an attacker: POSTs re-sent as DELETE, and
// old and new deliveries of one record alternately (issue 12). At the end every contract column of
// every contract table must equal the sandbox's truth.

/** Zoho requests per minute: the sandbox's limit and TDS_RATE_LIMIT_PER_MINUTE alike (Zoho's own 100). */
const LIMIT = 100;
const ADMIN_TOKEN = 'chaos-admin-token-5c1d8e0b7a9f4e2d6c3b1a0f9e8d7c6b';
/** Lifetime of an access token (Zoho's is an hour). */
const TOKEN_LIFETIME_MS = 30_000;

/** A seeded PRNG, so the relay's choices (delays, duplicates, order) repeat from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestDatabase;
let sandbox: ZohoSandbox;
let relay: WebhookRelay;
let procs: TdsProcesses | undefined;
let workDir: string;

beforeAll(async () => {
  await ensureCliBuilt();
  relay = await startWebhookRelay({ random: seeded(9), duplicateRate: 0.2, delayRate: 0.25, maxDelayMs: 3000 });
  [t, sandbox] = await Promise.all([
    createTestDatabase(),
    startZohoSandbox({
      seed: 'chaos',
      items: 300,
      customers: 60,
      vendors: 8,
      invoices: 60,
      bills: 20,
      requestsPerMinute: LIMIT,
      maxConcurrent: 10,
      dailyLimit: 1_000_000,
      // Access tokens expire after 30 s instead of an hour. Zoho's 10 mints per 10 minutes is raised
      // so that the test measures sharing (one mint per lifetime for every process together), not that cap.
      tokenTtlSeconds: TOKEN_LIFETIME_MS / 1000,
      tokenMintLimit: 100,
      faults: { errorRate: 0.1, htmlShare: 0.5, rateLimitRate: 0.05, slowMs: 32_000 },
      webhooks: { targets: (entity) => relay.targetFor(entity) },
    }),
  ]);
  workDir = mkdtempSync(join(tmpdir(), 'tds-chaos-'));
  chmodSync(workDir, 0o755);
}, 300_000);

afterAll(async () => {
  await procs?.stopAll();
  await relay?.close();
  await sandbox?.close();
  await t?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

interface Kill {
  process: string;
  atSecond: number;
  held: number;
  settledAfterMs?: number;
  fate?: ItemsFate;
}

describe('chaos: processes killed, backends terminated, Zoho failing, webhooks unreliable', () => {
  it('ends with every contract table equal to Zoho, nothing lost or duplicated, only the invalid records in the DLQ', { timeout: 480_000 }, async ({ onTestFailed, onTestFinished }) => {
    const started = Date.now();
    const at = () => ((Date.now() - started) / 1000).toFixed(1);
    const log = (message: string) => console.log(`[chaos +${at()}s] ${message}`);
    const env = {
      ...sandboxEnvironment(sandbox),
      DATABASE_URL: t.url,
      TDS_ADMIN_TOKEN: ADMIN_TOKEN,
      TDS_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      TDS_LEASE_SECONDS: '10',
      TDS_LOG_LEVEL: 'warn',
    };
    const cluster = new TdsProcesses(env, workDir);
    procs = cluster;
    onTestFailed(() => console.log(`[chaos] output of the tds processes:\n${cluster.tails()}`));
    // Deployed as a first start would be: the price lists first, so that every process sees which
    // lists feed the consumer and wholesale prices from its first product on (a process caches
    // that choice for 30 s and one that cached "none" writes null prices: reported as a bug).
    for (let attempt = 1; attempt <= 3; attempt++) {
      const seeded = await cluster.start('sync-pricelists', ['sync', 'pricelists', '--full']).cli.exited;
      log(`initial price-list sync: exit ${seeded.code}`);
      if (seeded.code === 0) break;
    }
    // serve and two workers, each started again whenever it exits (a crash is recorded, a kill is not).
    let serveUrl = '';
    const [, ...workers] = await Promise.all([
      cluster.serve((url) => {
        serveUrl = url;
        relay.setTarget(url);
      }),
      cluster.worker(),
      cluster.worker(),
    ]);
    log(`tds serve at ${serveUrl}, workers pid ${workers.map((w) => w.current().pid).join(' and ')}`);
    sandbox.resetStats();

    // The catalogue keeps changing (updates, some creations and deletions), each change a webhook.
    const mutations = setInterval(() => sandbox.store.mutate({ count: 2, createRate: 0.1, deleteRate: 0.04 }), 400);
    // Tokens die at the end of the lifetime Zoho announced (30 s here); TDS refreshes shortly before,
    // once for all its processes. (Killing tokens TDS still counts as valid is not done: a process
    // that then takes another process's token from the shared store, killed too, reads the second
    // 401 as a scope problem - reported as a bug.)
    const tokensAtStart = sandbox.stats().tokensMinted;
    onTestFinished(() => clearInterval(mutations));

    // Syncs all along: a full one as its own process (run again if it fails), then incremental
    // ones through the admin API of tds serve, one after the other until the chaos is over.
    const syncLog: string[] = [];
    let chaosOver = false;
    const fullSync = async () => {
      for (let attempt = 1; attempt <= 4; attempt++) {
        const proc = cluster.start('sync-full', ['sync', 'all', '--full', '--json']);
        const result = await proc.cli.exited;
        syncLog.push(`full sync attempt ${attempt}: exit ${result.code ?? result.signal} at +${at()}s`);
        log(syncLog.at(-1)!);
        if (result.code === 0) return true;
        log(`full sync failed:\n${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`);
      }
      return false;
    };
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${serveUrl}/api/tds${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, signal: AbortSignal.timeout(15_000) });
    const incrementalSync = async (entity = 'all'): Promise<boolean> => {
      try {
        const response = await admin(`/sync/${entity}`, { method: 'POST', body: JSON.stringify({ mode: 'incremental' }) });
        if (response.status !== 202) throw new Error(`POST /sync/${entity} answered ${response.status}`);
        const { runId } = (await response.json()) as { runId: string };
        for (;;) {
          await sleep(1000);
          const run = (await (await admin(`/sync/runs/${runId}`)).json()) as { status: string; error: string | null };
          if (run.status === 'running') continue;
          syncLog.push(`incremental ${entity}: ${run.status}${run.error ? ` (${run.error.slice(0, 200)})` : ''} at +${at()}s`);
          log(syncLog.at(-1)!);
          return run.status === 'succeeded';
        }
      } catch (error) {
        syncLog.push(`incremental ${entity}: ${(error as Error).message} at +${at()}s`);
        log(syncLog.at(-1)!);
        await sleep(1000);
        return false;
      }
    };
    const syncs = (async () => {
      const full = await fullSync();
      let incremental = 0;
      while (!chaosOver || incremental === 0) {
        if (await incrementalSync()) incremental++;
        if (syncLog.length > 40) break;
        await sleep(2000);
      }
      return { full, incremental: incremental > 0 };
    })();

    // Forged and deliberately invalid webhooks, straight to tds serve.
    const invalid = deliberatelyInvalid(sandbox.webhookSecret);
    const badResults = (async () => {
      await sleep(6000);
      const forged = forgedWebhooks(sandbox.webhookSecret, relay.captured());
      const forgedStatus = await Promise.all(forged.map((w) => sendBad(serveUrl, w)));
      const invalidStatus = await Promise.all(invalid.map((w) => sendBad(serveUrl, w)));
      log(`sent ${forged.length} forged webhooks (answers ${[...new Set(forgedStatus)].join(', ')}) and ${invalid.length} deliberately invalid ones (answers ${[...new Set(invalidStatus)].join(', ')})`);
      return { forged, forgedStatus, invalidStatus };
    })();

    // Captured genuine deliveries replayed: POSTs as DELETE (each a check with Zoho, which still has
    // most of these records), and old/new deliveries of one record alternately.
    const replayRandom = seeded(12);
    const replayResults = (async () => {
      await sleep(40_000);
      const asDeletes = postsAsDeletes(relay.captured(), 12, replayRandom);
      const alternating = alternatingReplays(relay.captured(), 6, 3);
      const deleteStatus = await Promise.all(asDeletes.map((r) => sendReplay(serveUrl, r)));
      const alternatingStatus: number[] = [];
      for (const replay of alternating) alternatingStatus.push(await sendReplay(serveUrl, replay));
      log(`replayed ${asDeletes.length} captured POSTs as DELETE (answers ${[...new Set(deleteStatus)].join(', ')}) and ${alternating.length} old/new deliveries alternately (answers ${[...new Set(alternatingStatus)].join(', ')})`);
      return { replays: [...asDeletes, ...alternating] as Replay[], statuses: [...deleteStatus, ...alternatingStatus], asDeletes: asDeletes.length, alternating: alternating.length };
    })();

    // Workers SIGKILLed while they hold items, then restarted; the time until those items are done is measured.
    const kills: Kill[] = [];
    const settling: Promise<void>[] = [];
    // A kill that finds the worker between batches (nothing in hand) is tried again on its successor.
    const killWorker = async (worker: Supervised) => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const target = worker.current();
        sandbox.store.mutate({ count: 150, entities: ['item'] }); // a burst, so that the worker has items in hand
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline && (await itemsHeldBy(t.db, target.pid)).length === 0) await sleep(5);
        await cluster.kill(target, 'SIGKILL');
        const killedAt = Date.now();
        const held = await itemsHeldBy(t.db, target.pid);
        const kill: Kill = { process: `${target.name} (pid ${target.pid})`, atSecond: Number(at()), held: held.length };
        kills.push(kill);
        log(`SIGKILL ${kill.process} holding ${held.length} queue items`);
        if (held.length > 0) {
          settling.push(
            waitUntilSettled(t.db, held, 180_000).then((fate) => {
              kill.settledAfterMs = Date.now() - killedAt;
              kill.fate = fate;
              log(`the ${held.length} items of ${kill.process} were done ${(kill.settledAfterMs / 1000).toFixed(1)} s after the kill (${JSON.stringify(fate)})`);
            }),
          );
        }
        const next = await worker.restarted(target);
        log(`worker restarted as ${next.name} (pid ${next.pid})`);
        if (held.length > 0) return;
      }
    };
    const terminations: number[] = [];
    const terminate = async () => {
      const ended = await terminateOtherBackends(t.db, t.name);
      terminations.push(ended);
      log(`pg_terminate_backend ended ${ended} backends of the test database`);
    };
    const slow = () => {
      sandbox.faults.queue.push('slow');
      log('the next Zoho request will answer after 32 s (client timeout 30 s)');
    };

    const until = (second: number) => sleep(Math.max(0, started + second * 1000 - Date.now()));
    await until(8);
    slow();
    await until(15);
    await killWorker(workers[0]!);
    await until(30);
    await terminate();
    await until(45);
    await killWorker(workers[1]!);
    await until(55);
    slow();
    await until(70);
    await killWorker(workers[0]!);
    await until(85);
    await terminate();
    await until(95);

    chaosOver = true;
    const syncOutcome = await syncs;
    clearInterval(mutations);
    log(`chaos over (syncs: full ${syncOutcome.full ? 'succeeded' : 'FAILED'}, incremental ${syncOutcome.incremental ? 'succeeded' : 'FAILED'}); draining webhooks and the queue`);
    const bad = await badResults;
    const replayed = await replayResults;
    await relay.drain(120_000);
    const drainDeadline = Date.now() + 120_000;
    while ((await openQueueItems(t.db)) > 0 && Date.now() < drainDeadline) await sleep(250);
    await Promise.all(settling);
    // Whatever the drift from Zoho, every product must be priced as the stored price lists say once
    // writes are quiet: a product apply and a price-list apply that missed each other leave a product
    // without its price while the list holds its rate (docs/prices.md). Checked before the healing sync.
    const pricesUnlikeListsAfterDrain = await findWrongPrices(t.db);

    // Price books carry no modification time, so no version orders their writes: a price-book
    // webhook is applied from Zoho's current book, but a sync that read a book just before a change
    // can still write it after. Any drift left is counted here, then healed the way the scheduled
    // incremental sync (every 5 minutes) heals it; every other entity is compared without a further sync.
    const priceDrift = [...(await compareProducts(t.db, sandbox.store)).filter((m) => m.includes('_price')), ...(await comparePriceLists(t.db, sandbox.store))];
    log(`queue drained; ${priceDrift.length} price mismatches left by late price-book webhooks${priceDrift.length > 0 ? ` (${priceDrift.slice(0, 3).join('; ')})` : ''}; an incremental sync of the price lists re-reads them`);
    let pricesHealed = false;
    for (let attempt = 1; attempt <= 3 && !pricesHealed; attempt++) pricesHealed = await incrementalSync('pricelists');
    expect(pricesHealed).toBe(true);
    log('comparing with the sandbox');

    // ---- what happened -------------------------------------------------------------------
    const stats = sandbox.stats();
    const injected429 = stats.faultsInjected['rate-limit'] ?? 0;
    const relayStats = relay.stats();
    console.log(
      [
        `[chaos] summary after ${at()} s`,
        `  Zoho: ${stats.apiRequests} API requests, faults injected ${JSON.stringify(stats.faultsInjected)}, 429s ${stats.tooManyRequests} (${injected429} injected), most requests in one ${stats.windowMs / 1000} s window ${stats.maxRequestsInWindow} of ${LIMIT}, most in flight ${stats.maxConcurrentObserved}`,
        `  tokens: ${stats.tokensMinted - tokensAtStart} minted in ${at()} s for every process together (each lives ${TOKEN_LIFETIME_MS / 1000} s), 401s ${stats.byStatus['401'] ?? 0}, token errors ${JSON.stringify(stats.tokenErrors)}`,
        `  replays: ${replayed.asDeletes} POSTs as DELETE, ${replayed.alternating} alternating old/new`,
        `  webhooks: ${relayStats.captured} sent by Zoho, ${relayStats.acknowledged} acknowledged deliveries, ${relayStats.duplicatesSent} duplicates, ${relayStats.delayed} held back, ${relayStats.outOfOrder} delivered after a newer version, ${relayStats.failedAttempts} refused attempts ${JSON.stringify(relayStats.failuresByStatus)} (retried)`,
        `  syncs: ${syncLog.join('; ')}`,
        `  backends terminated: ${terminations.join(', ')}`,
        `  processes that exited on their own: ${cluster.crashes.length === 0 ? 'none' : cluster.crashes.map((c) => `${c.name} (${c.exit})`).join(', ')}`,
        ...kills.map((k) => `  kill at +${k.atSecond}s of ${k.process}: held ${k.held} items, done ${k.settledAfterMs === undefined ? 'n/a' : `${(k.settledAfterMs / 1000).toFixed(1)} s`} after the kill ${k.fate ? JSON.stringify(k.fate) : ''}`),
      ].join('\n'),
    );

    // ---- the chaos really happened ---------------------------------------------------------
    expect(syncOutcome).toEqual({ full: true, incremental: true });
    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(kills.filter((k) => k.held > 0).length).toBeGreaterThanOrEqual(3);
    expect(terminations.every((n) => n > 0)).toBe(true);
    expect(relayStats.duplicatesSent).toBeGreaterThan(0);
    expect(relayStats.outOfOrder).toBeGreaterThan(0);
    expect(replayed.asDeletes).toBeGreaterThanOrEqual(10);
    expect(replayed.alternating).toBeGreaterThanOrEqual(6);
    expect(stats.faultsInjected.error ?? 0).toBeGreaterThan(0);
    expect(stats.faultsInjected['html-error'] ?? 0).toBeGreaterThan(0);
    expect(injected429).toBeGreaterThan(0);
    expect(stats.faultsInjected.slow ?? 0).toBeGreaterThan(0);
    const rotations = (Date.now() - started) / TOKEN_LIFETIME_MS;
    expect(stats.tokensMinted - tokensAtStart).toBeGreaterThanOrEqual(2); // tokens did run out and were replaced

    // ---- the outcome -----------------------------------------------------------------------
    // No process died except those killed on purpose.
    expect.soft(cluster.crashes.map((c) => `${c.name} (pid ${c.pid}) exited with ${c.exit}:\n${c.stderr}`)).toEqual([]);
    // Every item a killed worker held was completed by another worker (or merged, on a retry, into
    // a newer pending item of its record), or dead-lettered if it was a deliberately invalid record.
    const invalidRecords = new Set(invalid.map((w) => `${w.route}:${w.zohoId}`));
    for (const kill of kills.filter((k) => k.held > 0)) {
      const fate = kill.fate!;
      expect.soft({ kill: kill.process, done: fate.completed + fate.deadLettered + fate.merged, gone: fate.gone }).toEqual({ kill: kill.process, done: kill.held, gone: 0 });
      expect.soft(fate.deadLetteredRecords.filter((r) => !invalidRecords.has(r)), `items of ${kill.process} dead-lettered`).toEqual([]);
    }
    expect.soft(await openQueueItems(t.db)).toBe(0);

    // Every contract table equals the sandbox's truth, column by column; no row twice.
    const productMismatches = await compareProducts(t.db, sandbox.store);
    expect.soft(productMismatches).toEqual([]);
    expect.soft([...(await compareStockLevels(t.db, sandbox.store)), ...(await extraStockRows(t.db, sandbox.store))]).toEqual([]);
    expect.soft(await compareCustomers(t.db, sandbox.store)).toEqual([]);
    expect.soft(await compareDocuments(t.db, sandbox.store, 'invoices')).toEqual([]);
    expect.soft(await compareDocuments(t.db, sandbox.store, 'bills')).toEqual([]);
    expect.soft(await comparePriceLists(t.db, sandbox.store)).toEqual([]);
    expect.soft(await compareCategories(t.db, sandbox.store)).toEqual([]);
    expect.soft(await compareDeletedRows(t.db, sandbox.store)).toEqual([]);
    expect.soft(pricesUnlikeListsAfterDrain, 'products priced unlike the stored price lists after the drain').toEqual([]);
    expect.soft(await findWrongPrices(t.db), 'products priced unlike the stored price lists at the end').toEqual([]);
    expect.soft(await duplicatedRows(t.db)).toEqual([]);
    const deleted = sandbox.store.snapshot().deleted;
    const stillLive = await t.db
      .selectFrom('products')
      .select('zoho_item_id')
      .where('zoho_item_id', 'in', ['', ...deleted.item])
      .where('deleted_at', 'is', null)
      .execute();
    expect.soft(stillLive).toEqual([]);
    // A product unlike Zoho: its whole history, so that one failing run shows the cause.
    const liveIds = await retrying(() => t.db.selectFrom('products').select('zoho_item_id').where('deleted_at', 'is', null).execute());
    const notInZoho = liveIds.map((p) => p.zoho_item_id).filter((id) => !sandbox.store.items.has(id));
    const driftedIds = new Set([...notInZoho, ...productMismatches.flatMap((m) => /^products\[(\w+)\]/.exec(m)?.[1] ?? [])]);
    for (const id of [...driftedIds].slice(0, 5)) console.log(`[chaos] drift: ${await retrying(() => productHistory(t.db, id, relay.captured()))}`);

    // Every webhook Zoho sent was acknowledged and is in the inbox; copies add no row beyond their delivery.
    expect.soft(relayStats.acknowledged).toBe(relayStats.captured + relayStats.duplicatesSent);
    const inbox = await sql<{ rows: number; distinct: number }>`
      SELECT count(*)::int AS rows, count(DISTINCT (entity, payload_hash))::int AS distinct FROM tds_webhook_events`.execute(t.db);
    // A POST replayed as DELETE is a delivery of its own (another operation); alternating replays are not.
    const distinctSent = new Set([...relay.captured().map((w) => `${w.method} ${w.path} ${w.body}`), ...replayed.replays.map((r) => `${r.method} ${r.webhook.path} ${r.webhook.body}`)]).size;
    expect.soft(inbox.rows[0]!.distinct).toBe(distinctSent + invalid.length);
    expect.soft(inbox.rows[0]!.rows).toBeLessThanOrEqual(relayStats.acknowledged + invalid.length + replayed.replays.length);
    expect.soft(replayed.statuses.every((status) => status >= 200 && status < 300), `replay answers ${replayed.statuses.join(',')}`).toBe(true);

    // The DLQ holds exactly the deliberately invalid records, each with its reason.
    expect.soft(bad.invalidStatus.every((s) => s >= 200 && s < 300)).toBe(true);
    const dlq = await t.db.selectFrom('tds_dead_letter_queue').select(['entity_type', 'zoho_id', 'error', 'retry_count', 'source']).where('resolved_at', 'is', null).orderBy('zoho_id').execute();
    console.log(`[chaos] dead-letter queue:\n${dlq.map((d) => `  ${d.entity_type} ${d.zoho_id} (${d.source}, attempt ${d.retry_count}): ${d.error.slice(0, 300)}`).join('\n')}`);
    expect.soft(dlq.map((d) => `${d.entity_type}:${d.zoho_id}`).sort()).toEqual(invalid.map((w) => `${w.route}:${w.zohoId}`).sort());
    for (const entry of dlq) {
      const expected = invalid.find((w) => w.zohoId === entry.zoho_id);
      expect.soft(entry.error, `DLQ reason of ${entry.entity_type} ${entry.zoho_id}`).toMatch(new RegExp(expected?.field ?? 'a deliberately invalid record'));
    }

    // Forged webhooks were refused and left no trace.
    expect.soft(bad.forged.length).toBeGreaterThanOrEqual(10);
    expect.soft(bad.forgedStatus).toEqual(bad.forged.map(() => 401));
    // Ids only the forgeries used: a tampered copy of a genuine delivery names a real item, which
    // may have been deleted in Zoho since (its genuine rows are no trace of a forgery).
    const forgedIds = bad.forged.filter((w) => !sandbox.store.items.has(w.zohoId) && !sandbox.store.getDeleted('item', w.zohoId)).map((w) => w.zohoId);
    const traces = await retrying(() =>
      sql<{ place: string; n: number }>`
        SELECT 'queue' AS place, count(*)::int AS n FROM tds_sync_queue WHERE payload::text LIKE ${`%${FORGED}%`} OR zoho_id = ANY(${forgedIds}::text[])
        UNION ALL SELECT 'dlq', count(*)::int FROM tds_dead_letter_queue WHERE payload::text LIKE ${`%${FORGED}%`} OR zoho_id = ANY(${forgedIds}::text[])
        UNION ALL SELECT 'inbox', count(*)::int FROM tds_webhook_events WHERE zoho_id = ANY(${forgedIds}::text[])
        UNION ALL SELECT 'products', count(*)::int FROM products WHERE name LIKE ${`%${FORGED}%`} OR zoho_item_id = ANY(${forgedIds}::text[])`.execute(t.db),
    );
    expect.soft(traces.rows).toEqual(['queue', 'dlq', 'inbox', 'products'].map((place) => ({ place, n: 0 })));

    // No request ever exceeded the rate budget: the only 429s are the injected ones.
    expect.soft(stats.maxRequestsInWindow).toBeLessThanOrEqual(LIMIT);
    expect.soft(stats.tooManyRequests - injected429).toBe(0);
    // One access token per lifetime for every process together (shared through PostgreSQL), never throttled.
    expect.soft(stats.tokenErrors).toEqual({});
    expect.soft(stats.tokensMinted - tokensAtStart).toBeLessThanOrEqual(Math.ceil(rotations / 0.9) + 2);
  });
});
