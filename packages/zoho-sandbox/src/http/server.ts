import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxWebhookSecret } from '../credentials';
import { clockFunction, type SandboxSettings, type ZohoSandboxOptions } from '../options';
import { renderBill, renderInvoice } from '../render/documents';
import { renderContact } from '../render/contacts';
import { renderItem } from '../render/items';
import { renderPricebook } from '../render/settings';
import { createSandboxStore, type SandboxStore } from '../store';
import type { SandboxEntity } from '../types';
import { deliverWebhook, type SandboxWebhookRequest, type SandboxWebhookResult } from '../webhooks/send';
import { corruptRecord, drawFault, type SandboxFaults } from './faults';
import type { SandboxOAuth, SandboxCredentials } from './oauth';
import { admitApiRequest, faultResponse } from './admit-api';
import { jsonResponse, SandboxHttpError, type SandboxResponse, zohoErrorResponse } from './respond';
import { routeApi, routeName, type SandboxApi } from './routes';
import { createSandboxRuntime } from './runtime';
import { type SandboxRequestLogEntry, type SandboxStatsSnapshot } from './stats';

export interface ZohoSandbox {
  /** Base URL of the server (accounts and API hosts are both served here). */
  url: string;
  /** Use as the accounts host: `${accountsUrl}/oauth/v2/token`. */
  accountsUrl: string;
  /** Use as the API host: `${apiUrl}/books/v3`, `${apiUrl}/inventory/v1` (also returned as api_domain). */
  apiUrl: string;
  organizationId: string;
  credentials: SandboxCredentials;
  webhookSecret: string;
  store: SandboxStore;
  /** Fault injection, changeable while running. */
  faults: SandboxFaults;
  /** Rendering switches, changeable while running. */
  settings: SandboxSettings;
  oauth: SandboxOAuth;
  stats(): SandboxStatsSnapshot;
  /** The API requests received (oldest first, the last 20 000), with their arrival time. */
  requestLog(): SandboxRequestLogEntry[];
  resetStats(): void;
  /** Sends one signed webhook for a record (a deleted record's last state for `event: 'delete'`). */
  sendWebhook(request: SandboxWebhookRequest): Promise<SandboxWebhookResult>;
  /** Waits for automatic webhooks still in flight. */
  flushWebhooks(): Promise<void>;
  /** Simulates a dead credential: the refresh token answers invalid_code from now on. */
  revokeRefreshToken(): void;
  /** Every live access token expires now. */
  expireAccessTokens(): void;
  close(): Promise<void>;
}

const SINGULAR_KEY: Record<SandboxEntity, string> = { item: 'item', contact: 'contact', invoice: 'invoice', bill: 'bill', pricebook: 'pricebook' };
const API_PREFIX = /^\/(books\/v3|inventory\/v1)(?:\/(.*))?$/;
const MAX_FORM_BYTES = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startZohoSandbox(options: ZohoSandboxOptions = {}): Promise<ZohoSandbox> {
  const now = clockFunction(options.clock);
  const store = createSandboxStore({ ...options, now });
  const webhookSecret = options.webhookSecret ?? sandboxWebhookSecret(options.seed);
  // The API domain is only known once the port is; the OAuth authority reads it lazily.
  let apiUrl = '';
  const { credentials, settings, limiter, oauth, faults, faultRandom, stats, cache } = createSandboxRuntime(options, now, () => apiUrl);
  const organizationId = store.organization.organization_id;
  const pendingDelays = new Set<() => void>();
  const pendingWebhooks = new Set<Promise<unknown>>();
  let closing = false;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closing) return resolve();
      const done = () => {
        clearTimeout(timer);
        pendingDelays.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pendingDelays.add(done);
    });

  const write = (res: ServerResponse, route: string, response: SandboxResponse, headers: Record<string, string> = {}) => {
    stats.responded(route, response.status);
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(response.status, {
      'content-type': response.contentType,
      'content-length': Buffer.byteLength(response.body),
      ...headers,
      ...response.headers,
    });
    res.end(response.body);
  };

  async function handleOAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = url.pathname;
    const body = await readBody(req);
    if (req.method !== 'POST') return write(res, route, zohoErrorResponse(405, 37, 'The HTTP method is not allowed for the requested resource'));
    const params = new URLSearchParams(url.search);
    for (const [key, value] of new URLSearchParams(body)) if (!params.has(key)) params.set(key, value);
    if (route.endsWith('/revoke')) {
      oauth.revoke(params.get('token') ?? '');
      return write(res, route, jsonResponse(200, { status: 'success' }));
    }
    const { outcome, body: answer } = oauth.token(params);
    stats.tokenRequest(outcome);
    write(res, route, jsonResponse(200, answer));
  }

  function maybeCorruptFor(forced: boolean) {
    let forcedLeft = forced;
    return (record: Record<string, unknown>, idKey: string) => {
      if (forcedLeft || (faults.invalidRate > 0 && faultRandom.chance(faults.invalidRate))) {
        forcedLeft = false;
        stats.fault('invalid-record');
        return corruptRecord(record, idKey, faultRandom);
      }
      return record;
    };
  }

  async function apiResponse(req: IncomingMessage, res: ServerResponse, api: SandboxApi, segments: string[], params: URLSearchParams): Promise<{ response?: SandboxResponse; headers: Record<string, string> }> {
    const gate = admitApiRequest({ oauth, organizationId, limiter }, { method: req.method ?? 'GET', authorization: req.headers.authorization, segments, params });
    if (!gate.ok) {
      if (req.method !== 'GET') req.resume();
      return { response: gate.response, headers: gate.headers };
    }
    const headers = gate.headers;
    const fault = drawFault(faults, faultRandom);
    if (fault) stats.fault(fault);
    if (fault === 'reset') {
      req.socket.destroy();
      return { headers };
    }
    const injected = fault ? faultResponse(fault, faultRandom) : undefined;
    if (injected) return { response: injected, headers };
    if (fault === 'slow') await delay(faults.slowMs);
    const response = routeApi({ store, settings, cache, maybeCorrupt: maybeCorruptFor(fault === 'invalid') }, api, segments, params);
    await delay(options.latencyMs ?? 0);
    if (res.destroyed) return { headers };
    return { response, headers };
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
    const route = routeName(url.pathname);
    limiter.enter();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      limiter.leave();
    };
    res.on('close', leave);
    stats.apiRequestArrived(now(), limiter.inFlight);
    stats.logRequest({ at: now(), method: req.method ?? 'GET', path: url.pathname });
    const api: SandboxApi = match[1] === 'books/v3' ? 'books' : 'inventory';
    const segments = (match[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    let headers: Record<string, string> = {};
    try {
      const result = await apiResponse(req, res, api, segments, url.searchParams);
      headers = result.headers;
      if (!result.response) {
        stats.responded(route, 0);
        leave();
        return;
      }
      write(res, route, result.response, headers);
    } catch (error) {
      const response = error instanceof SandboxHttpError ? error.toResponse() : zohoErrorResponse(500, 1000, 'Internal Error');
      write(res, route, response, headers);
    } finally {
      if (res.writableEnded || res.destroyed) leave();
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const done = (promise: Promise<void>) =>
      promise.catch(() => {
        if (!res.headersSent && !res.destroyed) write(res, path, zohoErrorResponse(500, 1000, 'Internal Error'));
      });
    if (path === '/oauth/v2/token' || path === '/oauth/v2/token/revoke') return void done(handleOAuth(req, res, url));
    const match = API_PREFIX.exec(path);
    if (match) return void done(handleApi(req, res, url, match));
    req.resume();
    if (path === '/' && req.method === 'GET') {
      return write(res, path, jsonResponse(200, { name: 'TDS Zoho sandbox', accounts_url: sandbox.accountsUrl, api_url: sandbox.apiUrl, organization_id: organizationId }));
    }
    write(res, path, zohoErrorResponse(404, 5, 'Invalid URL Passed'));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${host}:${address.port}`;
  apiUrl = baseUrl;

  function renderForWebhook(entity: SandboxEntity, id: string, deleted: boolean): Record<string, unknown> {
    const record = deleted ? (store.getDeleted(entity, id) ?? store.get(entity, id)) : store.get(entity, id);
    if (!record) throw new Error(`sandbox: no ${entity} with id ${id} to send`);
    switch (entity) {
      case 'item':
        return renderItem(store, record as never, settings);
      case 'contact':
        return renderContact(record as never);
      case 'invoice':
        return renderInvoice(record as never);
      case 'bill':
        return renderBill(record as never);
      default:
        return renderPricebook(store, record as never);
    }
  }

  async function sendWebhook(request: SandboxWebhookRequest): Promise<SandboxWebhookResult> {
    const record = renderForWebhook(request.entity, request.id, request.event === 'delete');
    const result = await deliverWebhook(request, { wrapped: { [SINGULAR_KEY[request.entity]]: record } }, webhookSecret);
    stats.webhook(result.status);
    return result;
  }

  const unsubscribe = options.webhooks
    ? store.onChange((change) => {
        const auto = options.webhooks!;
        const target = typeof auto.targets === 'function' ? auto.targets(change.entity) : auto.targets[change.entity];
        if (!target || closing) return;
        const sending = sendWebhook({
          target,
          entity: change.entity,
          id: change.id,
          event: change.kind === 'delete' ? 'delete' : 'upsert',
          format: auto.format,
          deleteStyle: auto.deleteStyle,
          query: auto.query,
        }).catch(() => undefined);
        pendingWebhooks.add(sending);
        void sending.finally(() => pendingWebhooks.delete(sending));
      })
    : () => false;

  const ticker =
    options.mutateEveryMs && options.mutateEveryMs > 0
      ? setInterval(() => store.mutate({ count: options.mutateCount ?? 5 }), options.mutateEveryMs)
      : undefined;
  ticker?.unref();

  const sandbox: ZohoSandbox = {
    url: baseUrl,
    accountsUrl: baseUrl,
    apiUrl: baseUrl,
    organizationId,
    credentials,
    webhookSecret,
    store,
    faults,
    settings,
    oauth,
    stats: () => stats.snapshot(limiter.inFlight),
    requestLog: () => stats.requestLog(),
    resetStats: () => stats.reset(),
    sendWebhook,
    flushWebhooks: async () => {
      while (pendingWebhooks.size > 0) await Promise.allSettled([...pendingWebhooks]);
    },
    revokeRefreshToken: () => oauth.revokeRefreshToken(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    close: async () => {
      if (closing) return;
      closing = true;
      if (ticker) clearInterval(ticker);
      unsubscribe();
      for (const release of [...pendingDelays]) release();
      await Promise.allSettled([...pendingWebhooks]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return sandbox;
}
