// The measured process of the verify row: one runVerify of pricelists, products and stock, as
// `tds verify pricelists products stock` runs it, through the PostgreSQL rate limiter. Prints one
// JSON line with the report's totals, the requests made, the time and this process's peak RSS.
import { createZohoClient } from '@tsh/zoho-client';
import { createDatabase } from '@tsh/tds-core';
import { createApplyContext, createPostgresRateLimiter, runVerify } from '@tsh/tds-core/internal';

const sandbox = JSON.parse(process.env.BENCH_SANDBOX!) as {
  apiUrl: string;
  accountsUrl: string;
  organizationId: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
};
const limit = Number(process.env.BENCH_LIMIT);
const windowMs = Number(process.env.BENCH_WINDOW_MS);
const database = await createDatabase({ url: process.env.BENCH_DATABASE_URL!, maxConnections: 10 });
const zoho = createZohoClient({
  ...sandbox,
  rateLimiter: createPostgresRateLimiter({ db: database.db, organizationId: sandbox.organizationId, requestsPerMinute: limit, windowMs, safetyMarginMs: 500 * (windowMs / 60_000) }),
});
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const report = await runVerify(
  { db: database.db, zoho, applyContext: createApplyContext(), organizationId: sandbox.organizationId },
  {
    entities: ['pricelists', 'products', 'stock'],
    trigger: 'bench',
    onProgress: (p) => process.stderr.write(`  ${p.entity} ${p.phase}: ${p.checked} checked, ${p.requests} requests, ${((performance.now() - started) / 1000).toFixed(0)} s\n`),
  },
);
const seconds = (performance.now() - started) / 1000;
await database.close();
const differences = report.entities.reduce((n, e) => n + e.drifted.length + e.missing.length + e.extra.length, 0);
process.stdout.write(
  `${JSON.stringify({ ok: report.ok, checked: Object.fromEntries(report.entities.map((e) => [e.entity, e.checked])), differences, requests: report.requests, seconds, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
