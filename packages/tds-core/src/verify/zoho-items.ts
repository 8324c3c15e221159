import type { ZohoItem } from '@tsh/zoho-client';
import { fetchItemsByIds } from '../handlers/fetch-items';
import { reasonOf, type ZohoRead } from './entity-verifier';
import { readOfFetched } from './fetched-read';
import { countActive } from './stored-rows';
import type { VerifyEnv } from './verify-env';
import { listAll, listSample } from './zoho-lists';

/**
 * Zoho's items in full (with stock per location and custom fields): the Inventory list, walked
 * whole or sampled, then `itemdetails` for the listed ids, 100 per request, as a full sync reads
 * them. Products and stock share this read within one pass.
 */
export function zohoLiveItems(env: VerifyEnv, sample: number | null): Promise<ZohoRead<ZohoItem>> {
  return env.memo(`items:${sample ?? 'all'}`, async () => {
    const items = env.zoho.inventory.items;
    const listed =
      sample === null
        ? await listAll(items.pages({}))
        : await listSample(env, (params) => items.list(params), await countActive(env.db, 'products'), sample);
    const ids = listed.records.map((r) => r.item_id);
    const read = readOfFetched(ids, await fetchItemsByIds(env.zoho, ids));
    for (const error of listed.invalid) read.unstorable.push({ zoho_id: error.recordId ?? '(no id)', reason: reasonOf(error) });
    return read;
  });
}

export async function zohoItemsByIds(env: VerifyEnv, ids: readonly string[]): Promise<ZohoRead<ZohoItem>> {
  return readOfFetched(ids, await fetchItemsByIds(env.zoho, ids));
}
