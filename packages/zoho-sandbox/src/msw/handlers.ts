import { http, HttpResponse, type RequestHandler } from 'msw';
import { admitApiRequest, faultResponse } from '../http/admit-api';
import { corruptRecord, drawFault, type SandboxFaults } from '../http/faults';
import type { SandboxOAuth, SandboxCredentials } from '../http/oauth';
import { jsonResponse, SandboxHttpError, type SandboxResponse, zohoErrorResponse } from '../http/respond';
import { routeApi, routeName, type SandboxApi } from '../http/routes';
import { createSandboxRuntime, type SandboxRuntimeOptions } from '../http/runtime';
import type { SandboxStatsSnapshot } from '../http/stats';
import { clockFunction, type SandboxSettings, type ZohoSandboxOptions } from '../options';
import type { SandboxStore } from '../store';

/** The limits, token rules, faults and rendering switches of `startZohoSandbox`, without the port. */
export type ZohoSandboxHandlerOptions = SandboxRuntimeOptions &
  Pick<ZohoSandboxOptions, 'clock'> & {
    /** Host the handlers answer for, accounts and API alike (default `https://zoho-sandbox.test`). */
    baseUrl?: string;
  };

export interface ZohoSandboxHandlers {
  /** Pass to msw: `setupServer(...sandbox.handlers)` or `server.use(...sandbox.handlers)`. */
  handlers: RequestHandler[];
  /** `accountsUrl` for @tsh/zoho-client (token endpoint `${accountsUrl}/oauth/v2/token`). */
  accountsUrl: string;
  /** `apiUrl` for @tsh/zoho-client (`${apiUrl}/books/v3`, `${apiUrl}/inventory/v1`). */
  apiUrl: string;
  organizationId: string;
  credentials: SandboxCredentials;
  store: SandboxStore;
  faults: SandboxFaults;
  settings: SandboxSettings;
  oauth: SandboxOAuth;
  stats(): SandboxStatsSnapshot;
}

const DEFAULT_BASE_URL = 'https://zoho-sandbox.test';

function toHttpResponse(response: SandboxResponse, headers: Record<string, string> = {}): HttpResponse<string> {
  return new HttpResponse(response.body, { status: response.status, headers: { 'content-type': response.contentType, ...headers, ...response.headers } });
}

/**
 * The sandbox's Zoho as msw handlers over `store`: the same OAuth grant, organization check,
 * per-minute/daily/concurrency limits, pagination and rendering as the HTTP server, without a port.
 * A service unit-tests its own Zoho code with it; the store can be shared with a running server.
 */
export function zohoSandboxHandlers(store: SandboxStore, options: ZohoSandboxHandlerOptions = {}): ZohoSandboxHandlers {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const now = clockFunction(options.clock);
  const { credentials, settings, limiter, oauth, faults, faultRandom, stats, cache } = createSandboxRuntime(options, now, () => baseUrl);
  const organizationId = store.organization.organization_id;

  const answer = (route: string, response: SandboxResponse, headers: Record<string, string> = {}) => {
    stats.responded(route, response.status);
    return toHttpResponse(response, headers);
  };

  const tokenHandler = http.post(new RegExp(`^${escapeRegExp(baseUrl)}/oauth/v2/token(/revoke)?/?$`), async ({ request }) => {
    const url = new URL(request.url);
    const params = new URLSearchParams(url.search);
    for (const [key, value] of new URLSearchParams(await request.text())) if (!params.has(key)) params.set(key, value);
    if (url.pathname.replace(/\/+$/, '').endsWith('/revoke')) {
      oauth.revoke(params.get('token') ?? '');
      return answer(url.pathname, jsonResponse(200, { status: 'success' }));
    }
    const { outcome, body } = oauth.token(params);
    stats.tokenRequest(outcome);
    return answer(url.pathname, jsonResponse(200, body));
  });

  const apiHandler = http.all(new RegExp(`^${escapeRegExp(baseUrl)}/(books/v3|inventory/v1)(/[^?]*)?(\\?.*)?$`), async ({ request }) => {
    const url = new URL(request.url);
    const match = /^\/(books\/v3|inventory\/v1)(?:\/(.*))?$/.exec(url.pathname.replace(/\/+$/, ''));
    const route = routeName(url.pathname);
    const api: SandboxApi = match?.[1] === 'books/v3' ? 'books' : 'inventory';
    const segments = (match?.[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    limiter.enter();
    try {
      stats.apiRequestArrived(now(), limiter.inFlight);
      stats.logRequest({ at: now(), method: request.method, path: url.pathname });
      const gate = admitApiRequest({ oauth, organizationId, limiter }, { method: request.method, authorization: request.headers.get('authorization') ?? undefined, segments, params: url.searchParams });
      if (!gate.ok) return answer(route, gate.response, gate.headers);
      const fault = drawFault(faults, faultRandom);
      if (fault) stats.fault(fault);
      if (fault === 'reset') return HttpResponse.error();
      const injected = fault ? faultResponse(fault, faultRandom) : undefined;
      if (injected) return answer(route, injected, gate.headers);
      if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, faults.slowMs));
      let forced = fault === 'invalid';
      const maybeCorrupt = (record: Record<string, unknown>, idKey: string) => {
        if (!forced && !(faults.invalidRate > 0 && faultRandom.chance(faults.invalidRate))) return record;
        forced = false;
        stats.fault('invalid-record');
        return corruptRecord(record, idKey, faultRandom);
      };
      try {
        return answer(route, routeApi({ store, settings, cache, maybeCorrupt }, api, segments, url.searchParams), gate.headers);
      } catch (error) {
        return answer(route, error instanceof SandboxHttpError ? error.toResponse() : zohoErrorResponse(500, 1000, 'Internal Error'), gate.headers);
      }
    } finally {
      limiter.leave();
    }
  });

  return {
    handlers: [tokenHandler, apiHandler],
    accountsUrl: baseUrl,
    apiUrl: baseUrl,
    organizationId,
    credentials,
    store,
    faults,
    settings,
    oauth,
    stats: () => stats.snapshot(limiter.inFlight),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
