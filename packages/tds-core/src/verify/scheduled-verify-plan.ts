import type { VerifyEntity } from './types';

/** What the shared Zoho budget looks like when a scheduled verify is due (all processes). */
export interface BudgetReading {
  /** The configured requests per minute (TDS_RATE_LIMIT_PER_MINUTE). */
  perMinute: number;
  /** Requests started in the current window plus those in flight, by every process. */
  busyInWindow: number;
  pausedUntil: Date | null;
  daily: { limit: number; remaining: number } | null;
}

export interface ScheduledVerifySettings {
  /** Records per entity wanted. */
  sample: number;
  intervalMs: number;
  /** Share of the budget the run may use (0 < share ≤ 0.5). */
  budgetShare: number;
}

/** Active stored rows per table: how many records a sample can be drawn from. */
export type StoredCounts = Readonly<Record<'products' | 'customers' | 'invoices' | 'bills' | 'price_lists', number>>;

export type ScheduledVerifyPlan =
  | { run: false; reason: string }
  | {
      run: true;
      /** Records per entity, shrunk from the configured sample when the allowance is small. */
      sample: number;
      /** Requests this run may make at most (the limiter stops the run there). */
      allowance: number;
      /** Requests it may start per rate-limit window. */
      perWindow: number;
      estimate: number;
    };

/** Below this share of the daily quota left, scheduled verifies stop: what is left belongs to syncs. */
export const DAILY_QUOTA_RESERVE = 0.1;

const pages = (n: number) => Math.max(1, Math.ceil(n / 200));

/**
 * Zoho requests a sampled verify of every entity makes at most, from the way each entity is read
 * (docs/verify.md, "Cost"): price lists list + one detail per sampled book; products a list page and
 * one itemdetails call per 100 sampled items plus the two role books (stock shares the items);
 * customers a list page; invoices and bills a list page and one detail per sampled document.
 */
export function estimateSampledRequests(sample: number, stored: StoredCounts): number {
  const of = (n: number) => Math.min(sample, n);
  return (
    1 + of(stored.price_lists) +
    pages(sample) + Math.ceil(of(stored.products) / 100) + 2 +
    pages(sample) +
    pages(sample) + of(stored.invoices) +
    pages(sample) + of(stored.bills)
  );
}

export const scheduledVerifyEntities: readonly VerifyEntity[] = ['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills'];

/**
 * Whether a scheduled verify runs now, and how big. It never competes with syncs for the budget:
 * it skips while Zoho has paused us (429), while the window is already busier than the share it
 * leaves to others, and when the daily quota is nearly spent; otherwise it may use `share` of the
 * requests the interval allows (and of the daily quota left), and shrinks its sample to fit.
 */
export function planScheduledVerify(settings: ScheduledVerifySettings, budget: BudgetReading, stored: StoredCounts, now: Date): ScheduledVerifyPlan {
  const share = settings.budgetShare;
  if (budget.pausedUntil && budget.pausedUntil > now) return { run: false, reason: `Zoho calls are paused after a 429 until ${budget.pausedUntil.toISOString()}` };
  if (budget.daily && budget.daily.limit > 0 && budget.daily.remaining <= budget.daily.limit * DAILY_QUOTA_RESERVE) {
    return { run: false, reason: `only ${budget.daily.remaining} of ${budget.daily.limit} daily Zoho requests are left` };
  }
  const free = budget.perMinute - budget.busyInWindow;
  if (free < budget.perMinute * share || free < 1) {
    return { run: false, reason: `the Zoho budget is busy (${budget.busyInWindow} of ${budget.perMinute} requests used in this window)` };
  }
  const intervalMinutes = Math.max(1, settings.intervalMs / 60_000);
  let allowance = Math.floor(budget.perMinute * intervalMinutes * share);
  if (budget.daily) allowance = Math.min(allowance, Math.floor(budget.daily.remaining * share));
  let sample = settings.sample;
  while (sample > 1 && estimateSampledRequests(sample, stored) > allowance) sample--;
  const estimate = estimateSampledRequests(sample, stored);
  if (estimate > allowance) return { run: false, reason: `a sample of 1 needs about ${estimate} requests, more than the ${allowance} the budget share allows` };
  return { run: true, sample, allowance, perWindow: Math.max(1, Math.floor(budget.perMinute * share)), estimate };
}
