import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxParseZohoTime, type SandboxEntity } from '@tsh/zoho-sandbox';

// An unreliable network between the sandbox ("Zoho") and `tds serve`: every webhook the sandbox
// sends is captured here exactly as signed, then delivered to TDS late, out of order and partly
// twice, and again after any non-2xx answer until TDS acknowledges it (at-least-once, as a
// faithful test of the truth needs every change to arrive in the end).

export const ROUTE_OF: Record<SandboxEntity, string> = { item: 'products', contact: 'customers', invoice: 'invoices', bill: 'bills', pricebook: 'pricelists' };
const ID_FIELD: Record<string, string> = { item: 'item_id', contact: 'contact_id', invoice: 'invoice_id', bill: 'bill_id', pricebook: 'pricebook_id' };

export interface CapturedWebhook {
  seq: number;
  method: string;
  /** Path and query as the sandbox sent them (/api/zoho/webhooks/products?…); the signature covers the query. */
  path: string;
  contentType: string;
  signature: string | undefined;
  body: string;
  /** route:zoho id */
  record: string;
  /** last_modified_time of the record carried, epoch ms (null when it has none). */
  version: number | null;
}

export interface RelayStats {
  captured: number;
  /** Deliveries TDS answered 2xx (duplicate copies included). */
  acknowledged: number;
  duplicatesSent: number;
  delayed: number;
  /** Acknowledged deliveries that carried an older version than one already acknowledged for the same record. */
  outOfOrder: number;
  /** Non-2xx answers and network errors, each retried. */
  failedAttempts: number;
  failuresByStatus: Record<string, number>;
}

interface Delivery {
  webhook: CapturedWebhook;
  dueAt: number;
  copy: boolean;
}

export interface WebhookRelay {
  /** Base URL the sandbox's webhooks go to. */
  url: string;
  targetFor(entity: SandboxEntity): string;
  /** Where deliveries go from now on (the `tds serve` URL). */
  setTarget(url: string): void;
  stats(): RelayStats;
  captured(): readonly CapturedWebhook[];
  /** Resolves once every captured webhook (and every duplicate) has been acknowledged. */
  drain(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function describe(path: string, body: string): { record: string; version: number | null } {
  const route = path.split('?')[0]!.split('/').pop() ?? '?';
  try {
    const parsed = JSON.parse(body) as Record<string, Record<string, unknown>>;
    const [key, record] = Object.entries(parsed)[0] ?? [];
    const id = key && record ? String(record[ID_FIELD[key] ?? ''] ?? '?') : '?';
    const time = record?.last_modified_time;
    return { record: `${route}:${id}`, version: typeof time === 'string' ? (sandboxParseZohoTime(time) ?? null) : null };
  } catch {
    return { record: `${route}:?`, version: null };
  }
}

function post(target: string, d: CapturedWebhook): Promise<number> {
  const url = new URL(d.path, target);
  const headers: Record<string, string> = { 'content-type': d.contentType, 'content-length': String(Buffer.byteLength(d.body)) };
  if (d.signature !== undefined) headers['x-zoho-webhook-signature'] = d.signature;
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: d.method, headers, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(d.body);
  });
}

export async function startWebhookRelay(options: {
  random: () => number;
  /** Share of webhooks delivered twice (the copy at a random later moment). Default 0.2. */
  duplicateRate?: number;
  /** Share of webhooks held back for up to maxDelayMs, so later changes overtake them. Default 0.25. */
  delayRate?: number;
  maxDelayMs?: number;
  concurrency?: number;
}): Promise<WebhookRelay> {
  const { random } = options;
  const duplicateRate = options.duplicateRate ?? 0.2;
  const delayRate = options.delayRate ?? 0.25;
  const maxDelayMs = options.maxDelayMs ?? 3000;
  const concurrency = options.concurrency ?? 6;
  const all: CapturedWebhook[] = [];
  const waiting: Delivery[] = [];
  const newest = new Map<string, number>();
  let inFlight = 0;
  let target: string | undefined;
  let closed = false;
  const stats: RelayStats = { captured: 0, acknowledged: 0, duplicatesSent: 0, delayed: 0, outOfOrder: 0, failedAttempts: 0, failuresByStatus: {} };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const path = req.url ?? '/';
      const webhook: CapturedWebhook = {
        seq: all.length,
        method: req.method ?? 'POST',
        path,
        contentType: String(req.headers['content-type'] ?? 'application/json'),
        signature: req.headers['x-zoho-webhook-signature'] as string | undefined,
        body,
        ...describe(path, body),
      };
      all.push(webhook);
      stats.captured++;
      const now = Date.now();
      const held = random() < delayRate;
      if (held) stats.delayed++;
      waiting.push({ webhook, dueAt: now + (held ? random() * maxDelayMs : 0), copy: false });
      if (random() < duplicateRate) {
        stats.duplicatesSent++;
        waiting.push({ webhook, dueAt: now + random() * maxDelayMs, copy: true });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function deliver(d: Delivery): Promise<void> {
    const status = target ? await post(target, d.webhook) : 0;
    if (status >= 200 && status < 300) {
      stats.acknowledged++;
      const { record, version } = d.webhook;
      if (version !== null) {
        const seen = newest.get(record);
        if (seen !== undefined && version < seen) stats.outOfOrder++;
        newest.set(record, Math.max(seen ?? version, version));
      }
      return;
    }
    stats.failedAttempts++;
    stats.failuresByStatus[String(status)] = (stats.failuresByStatus[String(status)] ?? 0) + 1;
    waiting.push({ ...d, dueAt: Date.now() + 300 + random() * 700 });
  }

  // Every 50 ms the due deliveries join the ready list at random places; at most `concurrency` are in flight.
  const ready: Delivery[] = [];
  const startNext = () => {
    while (!closed && target && inFlight < concurrency && ready.length > 0) {
      const d = ready.shift()!;
      inFlight++;
      void deliver(d).finally(() => {
        inFlight--;
        startNext();
      });
    }
  };
  const pump = setInterval(() => {
    const now = Date.now();
    for (let i = waiting.length - 1; i >= 0; i--) {
      if (waiting[i]!.dueAt > now) continue;
      const [d] = waiting.splice(i, 1);
      ready.splice(Math.floor(random() * (ready.length + 1)), 0, d!);
    }
    startNext();
  }, 50);

  return {
    url,
    targetFor: (entity) => `${url}/api/zoho/webhooks/${ROUTE_OF[entity]}`,
    setTarget: (value) => {
      target = value;
    },
    stats: () => ({ ...stats, failuresByStatus: { ...stats.failuresByStatus } }),
    captured: () => all,
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (waiting.length > 0 || ready.length > 0 || inFlight > 0) {
        if (Date.now() > deadline) throw new Error(`webhook relay: ${waiting.length + ready.length + inFlight} deliveries still unacknowledged after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      closed = true;
      clearInterval(pump);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
