import type { ZohoPricebook } from '@tsh/zoho-client';
import { entityFetchers } from '../handlers/entity-fetchers';
import { resolvePriceRoleBooks, type PriceListRoleRow, type PriceRoleBooks } from '../apply/price-roles';
import { transformPriceList } from '../transform/price-list';
import type { PriceRole } from '../transform/price-role';
import { readOfFetched } from './fetched-read';
import { listAll, type ListedRecords } from './zoho-lists';
import type { ZohoRead } from './entity-verifier';
import type { VerifyEnv } from './verify-env';

/** Zoho's price book list (every page), read once per pass. */
export function zohoPriceBookList(env: VerifyEnv): Promise<ListedRecords<ZohoPricebook>> {
  return env.memo('pricebooks:list', () => listAll(env.zoho.books.pricebooks.pages({})));
}

/** Price books in full (with their entries), each read once per pass. */
export async function zohoPriceBooks(env: VerifyEnv, ids: readonly string[]): Promise<ZohoRead<ZohoPricebook>> {
  const reads = await Promise.all(
    [...new Set(ids)].map((id) => env.memo(`pricebooks:${id}`, async () => readOfFetched([id], await entityFetchers.pricelists(env.zoho, [id])))),
  );
  return { records: reads.flatMap((r) => r.records), gone: reads.flatMap((r) => r.gone), unstorable: reads.flatMap((r) => r.unstorable) };
}

function roleRowOf(book: ZohoPricebook): PriceListRoleRow {
  const { priceList } = transformPriceList(book);
  return { ...priceList };
}

export interface ExpectedRoleBooks {
  books: PriceRoleBooks;
  /** Entries of each role's book by item id (empty for a fixed-percentage book). */
  entries: Record<PriceRole, Map<string, string | null>>;
}

/**
 * The books playing the consumer and wholesale roles, picked among Zoho's books by the apply path's
 * own rule (resolvePriceRoleBooks), with their percentage rule and entries read from the books'
 * details (list rows may be reduced).
 */
export function expectedRoleBooks(env: VerifyEnv): Promise<ExpectedRoleBooks> {
  return env.memo('pricebooks:roles', async () => {
    const list = await zohoPriceBookList(env);
    const chosen = resolvePriceRoleBooks(list.records.map(roleRowOf), env.ctx.config);
    const ids = [chosen.consumer?.id, chosen.wholesale?.id].filter((id): id is string => id !== undefined);
    const details = await zohoPriceBooks(env, ids);
    const byId = new Map(details.records.map((b) => [b.pricebook_id, b]));
    const books = resolvePriceRoleBooks(list.records.map((row) => roleRowOf(byId.get(row.pricebook_id) ?? row)), env.ctx.config);
    const entriesOf = (id: string | undefined) => {
      const book = id === undefined ? undefined : byId.get(id);
      return new Map((book ? (transformPriceList(book).items ?? []) : []).map((entry) => [entry.zoho_item_id, entry.rate]));
    };
    return { books, entries: { consumer: entriesOf(books.consumer?.id), wholesale: entriesOf(books.wholesale?.id) } };
  });
}
