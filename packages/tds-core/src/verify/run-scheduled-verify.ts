import type { Kysely } from 'kysely';
import type { RateLimiter, ZohoClient } from '@tsh/zoho-client';
import { silentLogger, type LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { readRateLimitStatus } from '../zoho-access/rate-limit-sql';
import { createBudgetedRateLimiter } from './budgeted-rate-limiter';
import { planScheduledVerify, type BudgetReading, type ScheduledVerifyPlan, type ScheduledVerifySettings, type StoredCounts } from './scheduled-verify-plan';
import { countActive } from './stored-rows';
import type { VerifyOptions, VerifyReport } from './types';

export interface ScheduledVerifyDeps {
  db: Kysely<Database>;
  organizationId: string;
  settings: ScheduledVerifySettings & { repair: boolean };
  /** TDS_RATE_LIMIT_PER_MINUTE. */
  perMinute: number;
  windowMs?: number;
  /** The limiter the core's Zoho client uses (shared by every process through PostgreSQL). */
  sharedLimiter: () => RateLimiter;
  /** A Zoho client of its own for this run (so its request count is this run's), pacing through `limiter`. */
  zohoWith: (limiter: RateLimiter) => ZohoClient;
  /** runVerify with that client. */
  verify: (zoho: ZohoClient, options: VerifyOptions) => Promise<VerifyReport>;
  logger?: LoggerLike;
  now?: () => Date;
}

export type ScheduledVerifyOutcome = { ran: false; reason: string } | { ran: true; plan: Extract<ScheduledVerifyPlan, { run: true }>; report: VerifyReport; used: number };

export async function readBudget(db: Kysely<Database>, organizationId: string, perMinute: number, windowMs = 60_000): Promise<BudgetReading> {
  const status = await readRateLimitStatus(db, organizationId, windowMs);
  return {
    perMinute,
    busyInWindow: status.usedInWindow + status.inFlight,
    pausedUntil: status.pausedUntil,
    daily: status.daily ? { limit: status.daily.limit, remaining: status.daily.remaining } : null,
  };
}

async function readStoredCounts(db: Kysely<Database>): Promise<StoredCounts> {
  const [products, customers, invoices, bills, price_lists] = await Promise.all(
    (['products', 'customers', 'invoices', 'bills', 'price_lists'] as const).map((table) => countActive(db, table)),
  );
  return { products, customers, invoices, bills, price_lists };
}

/**
 * One scheduled sampled verify (docs/verify.md, "Continuous verification"): planned against the
 * shared Zoho budget (skipped or shrunk so it never delays syncs), run read-only unless
 * TDS_VERIFY_REPAIR, through a limiter that keeps it within its share, and recorded like any run so
 * it feeds verified reliability. A run stopped by its allowance records the entities it finished.
 */
export async function runScheduledVerify(deps: ScheduledVerifyDeps, signal?: AbortSignal): Promise<ScheduledVerifyOutcome> {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const [budget, stored] = await Promise.all([readBudget(deps.db, deps.organizationId, deps.perMinute, deps.windowMs), readStoredCounts(deps.db)]);
  const plan = planScheduledVerify(deps.settings, budget, stored, now());
  if (!plan.run) {
    logger.info({ reason: plan.reason }, 'scheduled verify skipped');
    return { ran: false, reason: plan.reason };
  }
  const abort = new AbortController();
  const onStop = () => abort.abort(signal?.reason ?? new Error('the scheduler stopped'));
  signal?.addEventListener('abort', onStop, { once: true });
  try {
    const limiter = createBudgetedRateLimiter({
      inner: deps.sharedLimiter(),
      allowance: plan.allowance,
      perWindow: plan.perWindow,
      windowMs: deps.windowMs,
      readBudget: () => readBudget(deps.db, deps.organizationId, deps.perMinute, deps.windowMs),
      abort,
    });
    const report = await deps.verify(deps.zohoWith(limiter), { sample: plan.sample, repair: deps.settings.repair, trigger: 'schedule', signal: abort.signal });
    logger.info({ sample: plan.sample, requests: limiter.used(), allowance: plan.allowance, ok: report.ok }, 'scheduled verify finished');
    return { ran: true, plan, report, used: limiter.used() };
  } finally {
    signal?.removeEventListener('abort', onStop);
  }
}
