import { afterEach, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '../src';
import { accessToken, apiGet, manualClock } from './sandbox-helpers';

const TINY = { items: 30, customers: 5, vendors: 2, invoices: 5, bills: 3 } as const;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition never became true');
}

describe('sandbox limits, faults and statistics', () => {
  let sandbox: ZohoSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('answers 429 beyond requestsPerMinute inside the window, and serves again once the window has passed', async () => {
    const clock = manualClock();
    sandbox = await startZohoSandbox({ seed: 'limits', ...TINY, clock: clock.now, requestsPerMinute: 5, rateWindowMs: 1_000 });
    const token = await accessToken(sandbox);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await apiGet(sandbox, token, '/books/v3/items')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    clock.advance(999);
    expect((await apiGet(sandbox, token, '/books/v3/items')).status).toBe(429);
    clock.advance(1);
    expect((await apiGet(sandbox, token, '/books/v3/items')).status).toBe(200);
    const stats = sandbox.stats();
    expect(stats.tooManyRequests).toBe(3);
    expect(stats.requests['/books/v3/items']).toEqual({ '200': 6, '429': 3 });
    expect(stats.maxRequestsInWindow).toBe(8);
    expect(stats.windowMs).toBe(1_000);
    expect(Object.values(stats.perMinute).reduce((a, b) => a + b, 0)).toBe(9);
  });

  it('sends X-Rate-Limit-Limit/Remaining/Reset and enforces the daily quota until local midnight', async () => {
    const clock = manualClock(Date.parse('2026-01-10T07:00:00Z')); // 10:00 in Baghdad
    sandbox = await startZohoSandbox({ seed: 'limits', ...TINY, clock: clock.now, dailyLimit: 3 });
    const token = await accessToken(sandbox);
    const remaining: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await apiGet(sandbox, token, '/inventory/v1/items');
      expect(answer.headers.get('x-rate-limit-limit')).toBe('3');
      expect(answer.headers.get('x-rate-limit-reset')).toBe(String(14 * 3600));
      remaining.push(`${answer.status}:${answer.headers.get('x-rate-limit-remaining')}`);
    }
    expect(remaining).toEqual(['200:2', '200:1', '200:0', '429:0']);
    clock.advance(14 * 3600 * 1000); // midnight in Baghdad: a new day (and a new token: the old one expired)
    const next = await apiGet(sandbox, await accessToken(sandbox), '/inventory/v1/items');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-rate-limit-remaining')).toBe('2');
  });

  it('answers 429 when more than maxConcurrent requests are in flight', async () => {
    sandbox = await startZohoSandbox({ seed: 'limits', ...TINY, maxConcurrent: 2, faults: { slowMs: 60_000, queue: ['slow', 'slow'] } });
    const token = await accessToken(sandbox);
    const held = new AbortController();
    const slow = [1, 2].map(() => apiGet(sandbox!, token, '/books/v3/items', {}, { signal: held.signal }).catch((e: unknown) => e));
    await until(() => sandbox!.stats().inFlight === 2);
    const third = await apiGet(sandbox, token, '/books/v3/items');
    expect(third.status).toBe(429);
    held.abort();
    await Promise.all(slow);
    await until(() => sandbox!.stats().inFlight === 0);
    expect((await apiGet(sandbox, token, '/books/v3/items')).status).toBe(200);
    expect(sandbox.stats().maxConcurrentObserved).toBe(3);
  });

  it('injects forced faults in order: JSON 5xx, HTML 5xx, random 429, dropped connection, an invalid record', async () => {
    sandbox = await startZohoSandbox({ seed: 'faults', ...TINY });
    const token = await accessToken(sandbox);
    sandbox.faults.queue.push('error', 'html-error', 'rate-limit', 'reset');
    const error = await apiGet(sandbox, token, '/inventory/v1/items');
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(error.json.code).toBe(1000);
    const html = await apiGet(sandbox, token, '/inventory/v1/items');
    expect(html.status).toBeGreaterThanOrEqual(500);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.json).toBeUndefined();
    expect((await apiGet(sandbox, token, '/inventory/v1/items')).status).toBe(429);
    await expect(apiGet(sandbox, token, '/inventory/v1/items')).rejects.toThrow();

    const clean = await apiGet(sandbox, token, '/inventory/v1/items');
    expect(clean.status).toBe(200);
    sandbox.faults.queue.push('invalid');
    const broken = await apiGet(sandbox, token, '/inventory/v1/items');
    const differing = clean.json.items.filter((row: unknown, i: number) => JSON.stringify(row) !== JSON.stringify(broken.json.items[i]));
    expect(differing).toHaveLength(1);
    expect(sandbox.stats().faultsInjected).toEqual({ error: 1, 'html-error': 1, 'rate-limit': 1, reset: 1, invalid: 1, 'invalid-record': 1 });
  });

  it('applies fault rates changed at run time', async () => {
    sandbox = await startZohoSandbox({ seed: 'faults', ...TINY });
    const token = await accessToken(sandbox);
    sandbox.faults.errorRate = 1;
    for (let i = 0; i < 3; i++) expect((await apiGet(sandbox, token, '/books/v3/contacts')).status).toBeGreaterThanOrEqual(500);
    sandbox.faults.errorRate = 0;
    sandbox.faults.rateLimitRate = 1;
    expect((await apiGet(sandbox, token, '/books/v3/contacts')).status).toBe(429);
    sandbox.faults.rateLimitRate = 0;
    sandbox.faults.invalidRate = 1;
    const allBroken = await apiGet(sandbox, token, '/books/v3/contacts', { filter_by: 'Status.All' });
    expect(allBroken.json.contacts).toHaveLength(sandbox.store.count('contact'));
    const truth = new Set(sandbox.store.idsOf('contact'));
    // Every row is damaged somehow: no row equals the clean rendering.
    sandbox.faults.invalidRate = 0;
    const clean = await apiGet(sandbox, token, '/books/v3/contacts', { filter_by: 'Status.All' });
    expect(clean.json.contacts.every((row: { contact_id: string }) => truth.has(row.contact_id))).toBe(true);
    allBroken.json.contacts.forEach((row: unknown, i: number) => expect(JSON.stringify(row)).not.toBe(JSON.stringify(clean.json.contacts[i])));
  });
});
