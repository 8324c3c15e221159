import { sql } from 'kysely';
import { type Change, type Subscription, type TdsDatabase } from '@tsh/tds-core';
import { resetConsumer, subscribeChanges } from '@tsh/tds-core/internal';

export interface Prices {
  name: string;
  sku: string | null;
  unit_price: string | null;
  consumer_price: string | null;
  wholesale_price: string | null;
}

/** The columns whose change makes a cached entry stale. */
const PRICE_COLUMNS = new Set(['name', 'sku', 'unit_price', 'consumer_price', 'wholesale_price', 'deleted_at']);

export interface PriceCache {
  /** The prices of a live product (exact decimals as strings), or undefined. */
  get(zohoItemId: string): Prices | undefined;
  readonly size: number;
  /** The feed position the cache reflects (its consumer's cursor moves after each batch). */
  readonly refreshed: number;
  stop(): Promise<void>;
}

async function readPrices(database: TdsDatabase, ids: readonly string[] | null): Promise<Array<Prices & { zoho_item_id: string; live: boolean }>> {
  const only = ids === null ? sql`` : sql`WHERE zoho_item_id = ANY(${[...ids]}::text[])`;
  const { rows } = await sql<Prices & { zoho_item_id: string; live: boolean }>`
    SELECT zoho_item_id, name, sku, unit_price::text, consumer_price::text, wholesale_price::text, deleted_at IS NULL AS live
    FROM products ${only}`.execute(database.db);
  return rows;
}

/**
 * A cache of every live product's prices, kept fresh from TDS's change feed (docs/change-feed.md):
 * 1. first start (no stored cursor): move the consumer's cursor to the end of the feed, then load
 *    the table. A change committed in between is delivered again below: re-reading a row twice is
 *    harmless, missing one is not, so the cursor moves first;
 * 2. subscribe to products as the consumer `name`: a batch re-reads only the products whose price
 *    columns changed (one query), so the cache holds what the table holds, never a half-applied
 *    value. A failing batch is retried by the feed, and a restart resumes from the stored cursor.
 */
export async function startPriceCache(database: TdsDatabase, options: { consumer?: string; onRefresh?: (changes: Change[]) => void } = {}): Promise<PriceCache> {
  const consumer = options.consumer ?? 'example-price-cache';
  const cache = new Map<string, Prices>();
  let refreshed = 0;
  // A cache lives in memory: every start is a first start for it.
  await resetConsumer(database.db, consumer);
  for (const row of await readPrices(database, null)) if (row.live) cache.set(row.zoho_item_id, pricesOf(row));

  const subscription: Subscription = subscribeChanges({ db: database.db, pool: database.pool }, { consumer, entities: ['products'], pollIntervalMs: 2000 }, async (changes) => {
    const stale = [...new Set(changes.filter((c) => c.op !== 'update' || c.columns.some((col) => PRICE_COLUMNS.has(col))).map((c) => c.zoho_id))];
    if (stale.length > 0) {
      const rows = await readPrices(database, stale);
      const found = new Set(rows.map((r) => r.zoho_item_id));
      for (const row of rows) {
        if (row.live) cache.set(row.zoho_item_id, pricesOf(row));
        else cache.delete(row.zoho_item_id);
      }
      for (const id of stale) if (!found.has(id)) cache.delete(id);
    }
    refreshed += changes.length;
    options.onRefresh?.(changes);
  });

  return {
    get: (id) => cache.get(id),
    get size() {
      return cache.size;
    },
    get refreshed() {
      return refreshed;
    },
    stop: () => subscription.stop(),
  };
}

function pricesOf(row: Prices): Prices {
  return { name: row.name, sku: row.sku, unit_price: row.unit_price, consumer_price: row.consumer_price, wholesale_price: row.wholesale_price };
}
