export interface ZohoDailyBudget {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface ZohoClientStats {
  requests: { total: number; byStatus: Record<string, number> };
  retries: number;
  rateLimited429: number;
  /** The more spent of the two APIs' daily budgets (by share left); each is in dailyBudgets. */
  dailyBudget: ZohoDailyBudget | null;
  dailyBudgets: { books: ZohoDailyBudget | null; inventory: ZohoDailyBudget | null };
  token: { expiresAt: Date | null; lastRefreshAt: Date | null; refreshCount: number };
}

/** Counters kept by the request core; the token and budget parts are read live when stats() is called. */
export interface RequestCounters {
  recordResponse(status: number | 'network' | 'timeout'): void;
  recordRetry(): void;
  record429(): void;
  snapshot(): Pick<ZohoClientStats, 'requests' | 'retries' | 'rateLimited429'>;
}

export function createRequestCounters(): RequestCounters {
  let total = 0;
  let retries = 0;
  let rateLimited429 = 0;
  const byStatus: Record<string, number> = {};
  return {
    recordResponse(status) {
      total += 1;
      byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    },
    recordRetry() {
      retries += 1;
    },
    record429() {
      rateLimited429 += 1;
    },
    snapshot: () => ({ requests: { total, byStatus: { ...byStatus } }, retries, rateLimited429 }),
  };
}
