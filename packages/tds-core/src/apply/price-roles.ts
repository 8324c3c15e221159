import { sql } from 'kysely';
import type { TransformConfig } from '../transform/config';
import { priceRoleOf, type PriceRole } from '../transform/price-role';
import type { ApplyDb, ApplyTx } from './types';

/** Which stored price list feeds each of TSH's product prices (null: none does, so the price is null). */
export type PriceRoleBooks = Record<PriceRole, string | null>;

interface PriceListNameRow {
  zoho_pricebook_id: string;
  name: string;
  is_active: boolean;
}

/**
 * Picks the price list of each role among the stored, not deleted ones whose name matches the
 * configured name. When several match, an active list wins over an inactive one, then the lowest
 * Zoho id, so every process picks the same list.
 */
export function resolvePriceRoleBooks(rows: readonly PriceListNameRow[], config: Pick<TransformConfig, 'consumerPriceListName' | 'wholesalePriceListName'>): PriceRoleBooks {
  const books: PriceRoleBooks = { consumer: null, wholesale: null };
  const chosen: Partial<Record<PriceRole, PriceListNameRow>> = {};
  for (const row of rows) {
    const role = priceRoleOf(row.name, config);
    if (role === null) continue;
    const current = chosen[role];
    const better =
      current === undefined ||
      (row.is_active && !current.is_active) ||
      (row.is_active === current.is_active && compareIds(row.zoho_pricebook_id, current.zoho_pricebook_id) < 0);
    if (better) chosen[role] = row;
  }
  for (const role of ['consumer', 'wholesale'] as const) books[role] = chosen[role]?.zoho_pricebook_id ?? null;
  return books;
}

/** Zoho ids are digit strings of equal length in practice; compare numerically when both are digits. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads the role books from the price_lists table (inside the caller's transaction when given one). */
export async function loadPriceRoleBooks(db: ApplyDb | ApplyTx, config: Pick<TransformConfig, 'consumerPriceListName' | 'wholesalePriceListName'>): Promise<PriceRoleBooks> {
  const { rows } = await sql<PriceListNameRow>`
SELECT zoho_pricebook_id, name, is_active FROM price_lists WHERE deleted_at IS NULL`.execute(db);
  return resolvePriceRoleBooks(rows, config);
}

/**
 * The role books, cached. Invalidated whenever a price list is applied or deleted in this process;
 * a time limit bounds how long a change made by another process can go unseen.
 */
export class PriceRoleCache {
  private cached: { books: PriceRoleBooks; at: number } | undefined;

  constructor(
    private readonly config: Pick<TransformConfig, 'consumerPriceListName' | 'wholesalePriceListName'>,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(db: ApplyDb | ApplyTx): Promise<PriceRoleBooks> {
    const cached = this.cached;
    if (cached && this.now() - cached.at < this.ttlMs) return cached.books;
    const books = await loadPriceRoleBooks(db, this.config);
    // A missing list is not remembered: another process may be creating it right now, and a product
    // written meanwhile with a remembered "none" would keep a null price until it changes again.
    this.cached = books.consumer !== null && books.wholesale !== null ? { books, at: this.now() } : undefined;
    return books;
  }

  set(books: PriceRoleBooks): void {
    this.cached = { books, at: this.now() };
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
