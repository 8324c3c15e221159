// The measured process of the memory row: one full products sync, as `tds sync products --full`
// runs it, against the sandbox process. Prints one JSON line with the sync's counts and this
// process's peak resident set size (getrusage maxrss).
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase } from '@tsh/tds-core';
import { syncEntity } from '@tsh/tds-core/internal';

const sandbox = JSON.parse(process.env.BENCH_SANDBOX!) as {
  apiUrl: string;
  accountsUrl: string;
  organizationId: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
};
const database = await createDatabase({ url: process.env.BENCH_DATABASE_URL!, maxConnections: 10 });
const zoho = createZohoClient({ ...sandbox, requestsPerMinute: 1_000_000, maxConcurrent: 10 });
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
let lastPrint = 0;
const result = await syncEntity({ db: database.db, zoho }, 'products', {
  mode: 'full',
  onProgress: (p) => {
    if (p.phase === 'fetching' && p.records - lastPrint >= 10_000) {
      lastPrint = p.records;
      process.stderr.write(`  ${p.records} records, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  },
});
const seconds = (performance.now() - started) / 1000;
await database.close();
process.stdout.write(
  `${JSON.stringify({ status: result.status, error: result.error, counts: result.counts, seconds, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
