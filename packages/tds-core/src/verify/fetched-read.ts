import type { FetchResult } from '../handlers/fetch-result';
import { reasonOf, type ZohoRead } from './entity-verifier';

/** Detail fetches turned into a read: found, gone (404 / code 1002), unstorable (schema); any other error is thrown. */
export function readOfFetched<R>(ids: readonly string[], fetched: ReadonlyMap<string, FetchResult<R>>): ZohoRead<R> {
  const read: ZohoRead<R> = { records: [], gone: [], unstorable: [] };
  for (const id of new Set(ids)) {
    const result = fetched.get(id) ?? { status: 'error' as const, error: new Error(`Zoho returned nothing for ${id}`) };
    if (result.status === 'found') read.records.push(result.record);
    else if (result.status === 'missing') read.gone.push(id);
    else if (result.status === 'invalid') read.unstorable.push({ zoho_id: id, reason: reasonOf(result.error) });
    else throw result.error;
  }
  return read;
}
