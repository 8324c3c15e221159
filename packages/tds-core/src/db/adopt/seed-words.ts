/**
 * The TSH ERP seed's names and words, and how TDS maps them (docs/seed-schema.md).
 */

/** The seed's tables that `tds migrate` adopts in place. */
export const ADOPTED_TABLES = ['tds_sync_queue', 'tds_dead_letter_queue', 'products'] as const;
export type AdoptedTable = (typeof ADOPTED_TABLES)[number];

/** Tables TDS owns outright (the seed's TDS wrote them): their rows are normalised to TDS's rules. */
export const QUEUE_TABLES: readonly AdoptedTable[] = ['tds_sync_queue', 'tds_dead_letter_queue'];

/**
 * Seed column → TDS's internal column. The seed's name comes back as a generated column of the
 * internal one (migration 0011), so the seed's queries read the same values.
 */
export const SEED_RENAMES: Record<AdoptedTable, Record<string, string>> = {
  tds_sync_queue: { entity_id: 'zoho_id', error_message: 'last_error' },
  tds_dead_letter_queue: { original_id: 'original_queue_id', entity_id: 'zoho_id', error_message: 'error', resolution_notes: 'resolution_note' },
  products: {},
};

/** Seed columns exposed as GENERATED ALWAYS AS (<internal>) STORED on every database (migration 0011). */
export const GENERATED_SEED_COLUMNS: Record<AdoptedTable, Record<string, string>> = SEED_RENAMES;

/** Real columns the seed has and TDS keeps on every database (added by migration 0011 where missing). */
export const SEED_REAL_COLUMNS: Record<AdoptedTable, Record<string, string>> = {
  tds_sync_queue: { seed_operation: 'text' },
  tds_dead_letter_queue: { seed_operation: 'text' },
  products: { description_ar: 'text', zoho_books_item_id: 'text', sync_status: "text DEFAULT 'synced'" },
};

/** The seed's entity words (singular) → TDS's queue entity types. Other words are kept as they are. */
export const SEED_ENTITY_WORDS: Record<string, string> = {
  product: 'products',
  item: 'products',
  customer: 'customers',
  contact: 'customers',
  invoice: 'invoices',
  bill: 'bills',
  stock: 'stock',
  pricelist: 'pricelists',
  pricebook: 'pricelists',
  price_list: 'pricelists',
};
