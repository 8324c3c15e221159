import type { ZohoPricebook } from '@tsh/zoho-client';
import { assertStorableText } from '../apply/storable-text';
import { transformPriceList } from '../transform/price-list';
import { diffColumns, diffRowSets, type ColumnKinds } from './column-diff';
import { reasonOf, type EntityVerifier, type RecordCheck } from './entity-verifier';
import { readStoredChildren, readStoredRows } from './stored-rows';
import { pickRandom } from './zoho-lists';
import { zohoPriceBookList, zohoPriceBooks } from './zoho-price-books';

const PRICE_LIST_COLUMNS: ColumnKinds = {
  name: 'text',
  currency_code: 'text',
  pricebook_type: 'text',
  percentage: 'decimal',
  is_increase: 'boolean',
  is_active: 'boolean',
  rounding_type: 'text',
};
const ENTRY_COLUMNS: ColumnKinds = { rate: 'decimal' };

/**
 * Price lists: every book in full with its entries (there are few, and a full sync reads them all
 * on every run). A fixed-percentage book has no entries, as the apply path stores it.
 */
export const priceListsVerifier: EntityVerifier<ZohoPricebook> = {
  entity: 'pricelists',
  presence: { table: 'price_lists', key: 'zoho_pricebook_id' },
  idOf: (book) => book.pricebook_id,
  async live(env, sample) {
    const list = await zohoPriceBookList(env);
    const ids = list.records.map((b) => b.pricebook_id);
    const read = await zohoPriceBooks(env, sample === null ? ids : pickRandom(ids, sample, env.random));
    for (const error of list.invalid) read.unstorable.push({ zoho_id: error.recordId ?? '(no id)', reason: reasonOf(error) });
    return read;
  },
  byIds: (env, ids) => zohoPriceBooks(env, ids),
  async check(env, books) {
    const checks = new Map<string, RecordCheck>();
    const ids = books.map((b) => b.pricebook_id);
    const stored = await readStoredRows(env.db, 'price_lists', 'zoho_pricebook_id', Object.keys(PRICE_LIST_COLUMNS), ids);
    const entries = await readStoredChildren(env.db, 'price_list_items', 'zoho_pricebook_id', 'zoho_item_id', Object.keys(ENTRY_COLUMNS), ids);
    for (const book of books) {
      const id = book.pricebook_id;
      let expected: ReturnType<typeof transformPriceList>;
      try {
        expected = transformPriceList(book);
        assertStorableText('pricebook', id, expected);
      } catch (error) {
        checks.set(id, { kind: 'unstorable', reason: reasonOf(error) });
        continue;
      }
      const row = stored.get(id);
      if (!row || row.deleted_at !== null) {
        checks.set(id, { kind: 'missing' });
        continue;
      }
      const expectedEntries = new Map((expected.items ?? []).map((e) => [e.zoho_item_id, { ...e } as Record<string, unknown>]));
      const columns = [
        ...diffColumns(PRICE_LIST_COLUMNS, row, { ...expected.priceList }),
        ...diffRowSets('items', ENTRY_COLUMNS, entries.get(id) ?? new Map(), expectedEntries),
      ];
      checks.set(id, columns.length === 0 ? { kind: 'match' } : { kind: 'drift', columns });
    }
    return checks;
  },
};
