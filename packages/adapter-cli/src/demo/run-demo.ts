import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { type Logger, type SyncOutcome, type TdsCore } from '@tsh/tds-core';
import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox } from '@tsh/zoho-sandbox';
import { resolveConfig } from '../runtime/config';
import { formatDuration, formatTree } from '../runtime/format';
import { startHttp, type RunningHttp } from '../runtime/http';
import { writeLine, type CliIo } from '../runtime/io';
import { openCore } from '../runtime/open-core';
import { createProgress } from '../runtime/progress';
import { failedSyncResults, formatSyncResults } from '../runtime/sync-results';
import { checkDemoDatabase } from './check-demo-database';
import { freshDemoDataDir } from './fresh-data-dir';
import { nextStepsText } from './next-steps';
import { storedCounts } from './stored-counts';
import { waitForQueueToDrain } from './wait-for-queue';
import { fireForgedWebhooks, fireSignedBurst } from './webhook-burst';

export interface DemoOptions {
  io: CliIo;
  cwd: string;
  /**
   * A PostgreSQL server database to use instead of the demo's own embedded one (./.tds/demo).
   * Refused (UsageError, nothing written) unless it is empty: docs/organization-binding.md.
   */
  databaseUrl?: string;
  /** DATABASE_URL was set but not used: say so. */
  databaseUrlIgnored?: boolean;
  logger: Logger;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** Catalogue size (default 300 items). */
  items?: number;
  /** Records changed and announced by signed webhooks (default 40). */
  webhooks?: number;
  workers?: number;
  /** The whole demo gives up after this long (default 110 s). */
  timeoutMs?: number;
}

export interface DemoSummary {
  ok: boolean;
  problems: string[];
  syncResults: SyncOutcome[];
  webhooks: { sent: number; accepted: number };
  forged: Array<{ what: string; status: number | undefined }>;
  queueDrained: boolean;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The whole product end to end on the sandbox and the embedded database; see next-steps.ts for the story. */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { io } = options;
  const say = (text = '') => writeLine(io.stdout, text);
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 110_000)]);
  const problems: string[] = [];
  const steps = 7;
  let step = 0;
  const heading = (text: string) => say(`\n[${++step}/${steps}] ${text}`);
  const started = Date.now();

  say('TDS demo: Zoho Books + Inventory → PostgreSQL, end to end, with no Zoho account and no PostgreSQL server.');

  let sandbox: ZohoSandbox | undefined;
  let core: TdsCore | undefined;
  let http: RunningHttp | undefined;
  try {
    heading('Starting the Zoho sandbox');
    sandbox = await startZohoSandbox({
      seed: 'tds-demo',
      items: options.items ?? 300,
      customers: 80,
      vendors: 12,
      invoices: 150,
      bills: 50,
      // Local and private: far above Zoho's 100/min so the demo finishes quickly.
      requestsPerMinute: 6000,
      dailyLimit: 1_000_000,
    });
    const count = (e: 'item' | 'contact' | 'invoice' | 'bill' | 'pricebook') => sandbox!.store.count(e);
    say(`      ${sandbox.url}: ${count('item')} items (English + Arabic names, IQD and USD), ${count('contact')} contacts, ${count('invoice')} invoices, ${count('bill')} bills, ${count('pricebook')} price lists, ${sandbox.store.locations.length} locations`);

    heading('Opening PostgreSQL and creating the tables');
    const databaseUrl = options.databaseUrl?.trim() || undefined;
    const dataDir = resolve(options.cwd, '.tds', 'demo');
    if (databaseUrl) await checkDemoDatabase(databaseUrl, sandbox.organizationId, options.logger);
    else await freshDemoDataDir(dataDir);
    const adminToken = randomBytes(24).toString('hex');
    const config = resolveConfig(
      {
        ...sandboxEnvironment(sandbox),
        TDS_ADMIN_TOKEN: adminToken,
        DATABASE_URL: databaseUrl,
        TDS_DATA_DIR: dataDir,
        TDS_WORKERS: String(options.workers ?? 2),
        TDS_RATE_LIMIT_PER_MINUTE: '3000',
        PORT: '0',
      },
      { zoho: true, webhookSecret: true, adminToken: true },
    );
    let t = Date.now();
    core = await openCore({ config, logger: options.logger, migrate: true, claimBindingAs: 'tds demo' });
    const shownDir = relative(options.cwd, join(dataDir, 'pg')) || dataDir;
    const ignored = options.databaseUrlIgnored ? ' (DATABASE_URL is ignored by the demo: --database-url picks a server)' : '';
    say(`      ${databaseUrl ? 'the empty PostgreSQL database of --database-url' : `embedded PostgreSQL, data in ${shownDir}${ignored}`}; schema migrated in ${seconds(t)}`);

    heading('Full sync of every entity (progress on stderr)');
    t = Date.now();
    const progress = createProgress(io, { prefix: '      sync' });
    let syncResults: SyncOutcome[];
    try {
      syncResults = await core.sync.run('all', { mode: 'full', onProgress: (p) => progress.onProgress(p), signal });
    } finally {
      progress.stop();
    }
    say(formatSyncResults(syncResults).replace(/^/gm, '      '));
    say(`      done in ${seconds(t)}`);
    for (const failed of failedSyncResults(syncResults)) problems.push(`sync of ${failed.entity} failed: ${failed.error ?? failed.status}`);

    heading('Serving webhooks, with workers');
    http = await startHttp(core, { webhookSecret: config.ZOHO_WEBHOOK_SECRET!, adminToken, port: 0, host: '127.0.0.1', logger: options.logger });
    await core.start({ workers: true, healer: false, scheduler: false });
    say(`      ${http.url}/api/zoho/webhooks/{products,customers,invoices,bills,stock,pricelists} with ${config.TDS_WORKERS} workers`);

    heading('Changing records in Zoho and firing webhooks');
    const burst = await fireSignedBurst(sandbox, http.url, options.webhooks ?? 40);
    const statuses = [...new Set(burst.sent.map((s) => s.result.status ?? 'no answer'))].join(', ');
    say(`      ${burst.sent.length} records changed (updates, a few creations and deletions); ${burst.sent.length} signed webhooks → ${burst.accepted} accepted (HTTP ${statuses})`);
    for (const refused of burst.refused) problems.push(`a signed webhook was refused: ${refused.result.method} ${refused.route} → ${refused.result.status ?? refused.result.error}`);
    const before = await storedCounts(core);
    const forged = await fireForgedWebhooks(sandbox, http.url);
    const after = await storedCounts(core);
    for (const attempt of forged) say(`      forged: ${attempt.what} → ${attempt.status ?? 'no answer'}`);
    const unchanged = before.webhookEvents === after.webhookEvents && before.queueItems === after.queueItems;
    say(`      webhook inbox ${before.webhookEvents} → ${after.webhookEvents} rows, queue ${before.queueItems} → ${after.queueItems} items: ${unchanged ? 'the forged ones stored nothing' : 'CHANGED'}`);
    if (!unchanged) problems.push('a forged webhook changed the webhook inbox or the queue');
    for (const attempt of forged) if (attempt.status !== 401) problems.push(`forged webhook (${attempt.what}) answered ${attempt.status}, not 401`);

    heading('Waiting for the workers to drain the queue');
    t = Date.now();
    const queue = await waitForQueueToDrain(core, { timeoutMs: 60_000, signal });
    const queueDrained = queue.drained;
    const later = queue.pending - queue.ready;
    // A repeat of a delivery Zoho was already asked about is asked again a minute later (docs/deletions.md, "Replays").
    const settled = later > 0 ? `queue done after ${seconds(t)}; ${later} repeated ${later === 1 ? 'delivery is' : 'deliveries are'} checked with Zoho again within a minute` : `queue empty after ${seconds(t)}`;
    say(`      ${queueDrained ? settled : `queue NOT empty after ${seconds(t)}`}`);
    if (!queueDrained) problems.push('the queue did not drain in time');

    heading('Healer pass and status report');
    const healed = await core.healer.runOnce();
    say(formatTree(healed, '      '));
    say('\n----- status report -----');
    say(String(await core.health.report('text')));
    say('-------------------------\n');

    say(nextStepsText({ dataDir: databaseUrl ? undefined : shownDir, webhooks: burst.sent.length, forged: forged.length }));
    if (signal.aborted) problems.push(options.signal.aborted ? 'stopped by Ctrl-C' : 'the demo ran out of time');
    say(
      problems.length === 0
        ? `\nDemo finished in ${formatDuration((Date.now() - started) / 1000)}: everything worked.`
        : `\nDemo finished in ${formatDuration((Date.now() - started) / 1000)} with problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    return {
      ok: problems.length === 0,
      problems,
      syncResults,
      webhooks: { sent: burst.sent.length, accepted: burst.accepted },
      forged,
      queueDrained,
    };
  } finally {
    await http?.close().catch(() => undefined);
    await core?.close();
    await sandbox?.close();
  }
}
