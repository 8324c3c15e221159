import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCollections, type Collection, type ZohoApi } from './collections';
import { ORGANIZATION_ID, type ZohoRecord } from './dataset';
import { parseZohoTime, zohoTime } from './zoho-time';

/**
 * A small Zoho Books v3 + Inventory v1 stand-in written from docs/zoho-behaviour.md alone (not from our own
 * sandbox, so that it does not share its assumptions): OAuth refresh with HTTP-200 error bodies and
 * the 10-tokens-per-10-minutes limit, `organization_id` on every call, `Zoho-oauthtoken` header,
 * page/per_page/has_more_page, reduced list rows, detail GETs, itemdetails, 404 code 1002 for
 * deleted records, a per-minute request limit with 429, and one-shot injected faults.
 */

export interface FakeZohoOptions {
  /** Rows per page at most, whatever per_page asks (Zoho: 200). Small to exercise paging. */
  maxPageSize?: number;
  requestsPerMinute?: number;
  /** api_domain returned by the token endpoint (default: this server). */
  apiDomain?: string;
}

/** Behaviours docs/zoho-behaviour.md leaves open (marked guessed): a client must work either way. */
export interface FakeZohoSettings {
  /** itemdetails asked for an id that does not exist: leave it out, or fail the whole batch with 404 code 1002. */
  itemDetailsMissing: 'omit' | '404';
}

export type FaultKind = '429' | '502-html' | '503' | '401';

interface Fault {
  method: string;
  path: RegExp;
  kind: FaultKind;
  remaining: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeZoho {
  url: string;
  organizationId: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  /** Environment (docs/architecture.md, "Configuration") pointing TDS at this server. */
  env: Record<string, string>;
  collections: Record<string, Collection>;
  settings: FakeZohoSettings;
  requests: LoggedRequest[];
  /** Access tokens minted (successful refreshes). */
  mints(): number;
  /** Requests the fake does not serve (unknown paths) or refused because they would write. */
  unserved(): LoggedRequest[];
  fail(method: string, path: RegExp, kind: FaultKind, times?: number): void;
  expireAccessTokens(): void;
  /** Changes a record and stamps it with a new last_modified_time (now). */
  update(collection: string, id: string, change: (record: ZohoRecord) => void): ZohoRecord;
  /** Deletes a record: list omits it, detail answers 404 code 1002. */
  remove(collection: string, id: string): ZohoRecord;
  /** (Re)creates a record, stamped now. */
  put(collection: string, record: ZohoRecord): ZohoRecord;
  close(): Promise<void>;
}

const MINT_LIMIT = 10;
const MINT_WINDOW_MS = 10 * 60_000;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json;charset=UTF-8', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function startFakeZoho(options: FakeZohoOptions = {}): Promise<FakeZoho> {
  const maxPageSize = options.maxPageSize ?? 200;
  const perMinute = options.requestsPerMinute ?? 100;
  const credentials = { clientId: '1000.FAKEAUDITCLIENT', clientSecret: `cs${randomBytes(16).toString('hex')}`, refreshToken: `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}` };
  const collections = createCollections();
  const settings: FakeZohoSettings = { itemDetailsMissing: 'omit' };
  const tokens = new Map<string, number>();
  const mintTimes: number[] = [];
  let minted = 0;
  const requests: LoggedRequest[] = [];
  const unserved: LoggedRequest[] = [];
  const faults: Fault[] = [];
  let windowStart = Date.now();
  let windowCount = 0;
  let dailyCount = 0;
  let url = '';

  async function token(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const param = (name: string) => query.get(name) ?? form.get(name);
    if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request' });
    if (param('grant_type') !== 'refresh_token') return send(res, 200, { error: 'unsupported_grant_type' });
    if (param('client_id') !== credentials.clientId || param('client_secret') !== credentials.clientSecret) return send(res, 200, { error: 'invalid_client' });
    if (param('refresh_token') !== credentials.refreshToken) return send(res, 200, { error: 'invalid_code' });
    const now = Date.now();
    while (mintTimes.length > 0 && now - mintTimes[0]! > MINT_WINDOW_MS) mintTimes.shift();
    if (mintTimes.length >= MINT_LIMIT) {
      return send(res, 200, { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.', status: 'failure' });
    }
    mintTimes.push(now);
    minted++;
    const accessToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    tokens.set(accessToken, now + 3600_000);
    send(res, 200, { access_token: accessToken, scope: 'ZohoBooks.fullaccess.all ZohoInventory.FullAccess.all', api_domain: options.apiDomain ?? url, token_type: 'Bearer', expires_in: 3600 });
  }

  function list(res: ServerResponse, c: Collection, query: URLSearchParams): void {
    let rows = [...c.records.values()];
    const filterBy = query.get('filter_by');
    if (filterBy !== null && !/^Status\.(All|Active|Inactive)$/.test(filterBy) && c.activeByDefault) return send(res, 400, { code: 2, message: 'Invalid value passed for filter_by' });
    if (c.activeByDefault && filterBy !== 'Status.All') {
      const wanted = filterBy === 'Status.Inactive' ? 'inactive' : 'active';
      rows = rows.filter((r) => r.status === wanted);
    }
    const since = query.get('last_modified_time');
    if (since !== null && c.modifiedFilter) {
      const at = parseZohoTime(since);
      if (at === null) return send(res, 400, { code: 2, message: 'Invalid value passed for last_modified_time' });
      rows = rows.filter((r) => (parseZohoTime(String(r.last_modified_time)) ?? 0) > at);
    }
    const sortColumn = query.get('sort_column');
    if (sortColumn !== null) {
      if (sortColumn === 'last_modified_time' && !c.sortableByModified) return send(res, 400, { code: 2, message: 'Invalid value passed for sort_column' });
      const key = (r: ZohoRecord) => (sortColumn.endsWith('_time') ? (parseZohoTime(String(r[sortColumn])) ?? 0) : String(r[sortColumn] ?? ''));
      const direction = query.get('sort_order') === 'D' ? -1 : 1;
      rows.sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : String(a[c.idField]).localeCompare(String(b[c.idField]))));
    }
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const perPage = Math.min(maxPageSize, Math.max(1, Number(query.get('per_page') ?? 200) || 200));
    const slice = rows.slice((page - 1) * perPage, page * perPage).map((r) => {
      const row = clone(r);
      for (const field of c.listOmits) delete row[field];
      return row;
    });
    send(res, 200, {
      code: 0,
      message: 'success',
      [c.listKey]: slice,
      page_context: { page, per_page: perPage, has_more_page: page * perPage < rows.length, report_name: c.listKey, applied_filter: filterBy ?? 'Status.All', sort_column: sortColumn ?? 'created_time', sort_order: query.get('sort_order') ?? 'D' },
    });
  }

  function api(res: ServerResponse, apiName: ZohoApi, rest: string, query: URLSearchParams): boolean {
    const segments = rest.split('/').filter(Boolean);
    if (apiName === 'inventory' && segments.length === 1 && segments[0] === 'itemdetails') {
      const ids = (query.get('item_ids') ?? '').split(',').filter(Boolean);
      if (ids.length === 0 || ids.length > 100) {
        send(res, 400, { code: 2, message: 'Invalid value passed for item_ids' });
        return true;
      }
      if (settings.itemDetailsMissing === '404' && ids.some((id) => !collections.items!.records.has(id))) {
        send(res, 404, { code: 1002, message: 'The item does not exist.' });
        return true;
      }
      const found = ids.flatMap((id) => (collections.items!.records.has(id) ? [clone(collections.items!.records.get(id)!)] : []));
      send(res, 200, { code: 0, message: 'success', items: found });
      return true;
    }
    if (segments.length === 1 && segments[0] === 'organizations') {
      send(res, 200, { code: 0, message: 'success', organizations: [{ organization_id: ORGANIZATION_ID, name: 'TSH Audit Org', currency_code: 'IQD', time_zone: 'Asia/Baghdad' }] });
      return true;
    }
    const c = Object.values(collections).find((x) => x.path === segments[0] && x.apis.includes(apiName));
    if (!c || segments.length > 2) return false;
    if (segments.length === 1) {
      list(res, c, query);
      return true;
    }
    const record = c.records.get(segments[1]!);
    if (!record) send(res, 404, { code: 1002, message: c.notFoundMessage });
    else send(res, 200, { code: 0, message: 'success', [c.itemKey]: clone(record) });
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const query = parsed.searchParams;
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: parsed.pathname, query: Object.fromEntries(query), status: 0 };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (parsed.pathname === '/oauth/v2/token') return token(req, res, query);
    const match = /^\/(books\/v3|inventory\/v1)(\/.*)?$/.exec(parsed.pathname);
    if (!match) {
      unserved.push(entry);
      return send(res, 404, '<html><body>Not Found</body></html>');
    }
    if (query.has('access_token') || query.has('authtoken')) unserved.push(entry); // a token in a URL is a defect
    const auth = /^Zoho-oauthtoken (\S+)$/.exec(req.headers.authorization ?? '');
    const expiry = auth ? tokens.get(auth[1]!) : undefined;
    if (expiry === undefined || expiry <= Date.now()) return send(res, 401, { code: 57, message: 'You are not authorized to perform this operation' });
    if (!query.get('organization_id')) return send(res, 400, { code: 6, message: 'Invalid value passed for organization_id' });
    if (query.get('organization_id') !== ORGANIZATION_ID) return send(res, 401, { code: 57, message: 'You are not authorized to perform this operation' });

    if (Date.now() - windowStart >= 60_000) (windowStart = Date.now()), (windowCount = 0);
    const rateHeaders = () => ({ 'X-Rate-Limit-Limit': '10000', 'X-Rate-Limit-Remaining': String(Math.max(0, 10000 - dailyCount)), 'X-Rate-Limit-Reset': '43200' });
    if (++windowCount > perMinute) return send(res, 429, { code: 44, message: 'You have made too many requests. Please try after some time.' }, rateHeaders());
    dailyCount++;

    const fault = faults.find((f) => f.remaining > 0 && f.method === req.method && f.path.test(parsed.pathname));
    if (fault) {
      fault.remaining--;
      if (fault.kind === '429') return send(res, 429, { code: 44, message: 'Too many requests' }, rateHeaders());
      if (fault.kind === '502-html') return send(res, 502, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
      if (fault.kind === '503') return send(res, 503, { code: 1000, message: 'Service temporarily unavailable' });
      return send(res, 401, { code: 57, message: 'You are not authorized to perform this operation' });
    }
    if (req.method !== 'GET') {
      unserved.push(entry);
      return send(res, 405, { code: 37, message: 'The HTTP method is not allowed for this resource (the fake is read-only).' });
    }
    const apiName: ZohoApi = match[1] === 'books/v3' ? 'books' : 'inventory';
    if (!api(res, apiName, match[2] ?? '', query)) {
      unserved.push(entry);
      send(res, 404, { code: 5, message: 'Invalid URL Passed' }, rateHeaders());
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { code: 1000, message: `fake zoho: ${String(error)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const get = (name: string) => {
    const c = collections[name];
    if (!c) throw new Error(`fake zoho: no collection ${name}`);
    return c;
  };
  const stamp = (record: ZohoRecord) => {
    record.last_modified_time = zohoTime(Date.now());
    return record;
  };

  return {
    url,
    organizationId: ORGANIZATION_ID,
    credentials,
    env: {
      ZOHO_CLIENT_ID: credentials.clientId,
      ZOHO_CLIENT_SECRET: credentials.clientSecret,
      ZOHO_REFRESH_TOKEN: credentials.refreshToken,
      ZOHO_ORGANIZATION_ID: ORGANIZATION_ID,
      ZOHO_ACCOUNTS_URL: url,
      ZOHO_API_URL: url,
    },
    collections,
    settings,
    requests,
    mints: () => minted,
    unserved: () => [...unserved],
    fail(method, path, kind, times = 1) {
      faults.push({ method, path, kind, remaining: times });
    },
    expireAccessTokens() {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
    update(name, id, change) {
      const record = get(name).records.get(id);
      if (!record) throw new Error(`fake zoho: no ${name} ${id}`);
      change(record);
      return stamp(record);
    },
    remove(name, id) {
      const c = get(name);
      const record = c.records.get(id);
      if (!record) throw new Error(`fake zoho: no ${name} ${id}`);
      c.records.delete(id);
      return record;
    },
    put(name, record) {
      const c = get(name);
      c.records.set(String(record[c.idField]), stamp(record));
      return record;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
