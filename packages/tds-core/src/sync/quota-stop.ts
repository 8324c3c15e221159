import { ZohoQuotaExhaustedError, type ZohoClient } from '@tsh/zoho-client';
import type { EntityType } from '../transform/entities';

export type ZohoApi = 'books' | 'inventory';

/** Which Zoho API each entity's pass reads (its quota is that API's). */
export const ENTITY_API: Record<EntityType, ZohoApi> = {
  pricelists: 'books',
  products: 'inventory',
  stock: 'inventory',
  customers: 'books',
  invoices: 'books',
  bills: 'books',
};

/** Why a run stopped when Zoho's daily quota ran out: enough for one clear message. */
export interface QuotaStop {
  api: ZohoApi;
  /** Requests Zoho said were left today (0 when spent). */
  remaining: number | null;
  limit: number | null;
  resetAt: string;
}

/**
 * The quota details of a run stopped by a spent daily quota (the client was told to fail rather
 * than wait), else null. The error names its API when the client tracks budgets per API.
 */
export function quotaStopOf(error: unknown, entity: EntityType, zoho: ZohoClient): QuotaStop | null {
  if (!(error instanceof ZohoQuotaExhaustedError)) return null;
  const named = (error as { api?: unknown }).api;
  const api: ZohoApi = named === 'books' || named === 'inventory' ? named : ENTITY_API[entity];
  const stats = zoho.stats() as { dailyBudget?: { limit: number; remaining: number } | null; dailyBudgets?: Partial<Record<ZohoApi, { limit: number; remaining: number }>> };
  const budget = stats.dailyBudgets?.[api] ?? stats.dailyBudget ?? null;
  return { api, remaining: budget?.remaining ?? null, limit: budget?.limit ?? null, resetAt: error.resetAt.toISOString() };
}
