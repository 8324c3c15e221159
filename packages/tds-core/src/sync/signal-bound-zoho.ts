import { type ZohoClient } from '@tsh/zoho-client';
import { createBooksResources, createInventoryResources, type ZohoRequest, type ZohoStreamRequest } from '@tsh/zoho-client/internal';

/**
 * A view of `zoho` whose every call carries `signal` (unless the call brings its own), so that a
 * sync's sources, item-detail fetches and deletion checks all stop the moment the run is
 * cancelled: the request in flight is cut and no rate-limit, quota or backoff wait goes on
 * (docs/hardening.md, "Stopping a sync"). Same token, limiter, budget and counters as `zoho`.
 */
export function bindSignal(zoho: ZohoClient, signal: AbortSignal | undefined): ZohoClient {
  if (!signal) return zoho;
  const request: ZohoRequest = (method, api, path, options = {}) => zoho.request(method, api, path, { ...options, signal: options.signal ?? signal });
  const requestStream: ZohoStreamRequest = (api, path, options, read) => zoho.requestStream(api, path, { ...options, signal: options.signal ?? signal }, read);
  const bound: Partial<ZohoClient> = { request, requestStream, books: createBooksResources(request, requestStream), inventory: createInventoryResources(request) };
  // Everything else (auth, stats, whatever the client adds later) is the original's.
  return new Proxy(zoho, { get: (target, key) => (key in bound ? bound[key as keyof ZohoClient] : Reflect.get(target, key)) });
}
