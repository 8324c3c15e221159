import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '../src';

interface Received {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An independent implementation of the documented signature, for checking the sandbox's. */
function expectedSignature(secret: string, pairs: [string, string][], appendix: string): string {
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', secret).update(sorted.map(([k, v]) => `${k}${v}`).join('') + appendix).digest('hex');
}

describe('sandbox webhooks (signed like Zoho workflow-rule webhooks)', () => {
  let receiver: Server;
  let target: string;
  const received: Received[] = [];
  let sandbox: ZohoSandbox;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, url: new URL(req.url!, 'http://receiver'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(202).end('stored');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/zoho/webhooks`;
    sandbox = await startZohoSandbox({ seed: 'hooks', items: 40, customers: 8, vendors: 3, invoices: 6, bills: 4, webhookSecret: 'Sandbox0Secret1234' });
  });
  afterEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('POSTs the record under its singular key as JSON, signed over sorted query pairs then the raw body', async () => {
    const item = sandbox.store.items.list()[0]!;
    const result = await sandbox.sendWebhook({ target: `${target}/products?src=zoho`, entity: 'item', id: item.item_id, query: { org: sandbox.organizationId, a: 'first' } });
    expect(result).toMatchObject({ ok: true, status: 202 });
    expect(received).toHaveLength(1);
    const hook = received[0]!;
    expect(hook.method).toBe('POST');
    expect(hook.headers['content-type']).toBe('application/json');
    const body = JSON.parse(hook.body);
    expect(Object.keys(body)).toEqual(['item']);
    expect(body.item.item_id).toBe(item.item_id);
    expect(body.item.name).toBe(item.name);
    const pairs: [string, string][] = [['src', 'zoho'], ['org', sandbox.organizationId], ['a', 'first']];
    expect(hook.headers['x-zoho-webhook-signature']).toBe(expectedSignature('Sandbox0Secret1234', pairs, hook.body));
    expect([...hook.url.searchParams].sort()).toEqual([...pairs].sort());
  });

  it('sends form-encoded JSONString: the decoded fields join the sorted pairs and nothing is appended', async () => {
    const contact = sandbox.store.contacts.list()[0]!;
    await sandbox.sendWebhook({ target: `${target}/customers`, entity: 'contact', id: contact.contact_id, format: 'form', query: { zeta: 'last', entity: 'contact' } });
    const hook = received[0]!;
    expect(hook.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(hook.body);
    expect([...form.keys()]).toEqual(['JSONString']);
    const json = form.get('JSONString')!;
    expect(JSON.parse(json).contact.contact_id).toBe(contact.contact_id);
    const signature = expectedSignature('Sandbox0Secret1234', [['zeta', 'last'], ['entity', 'contact'], ['JSONString', json]], '');
    expect(hook.headers['x-zoho-webhook-signature']).toBe(signature);
    // The raw body is not part of a form signature.
    expect(signature).not.toBe(expectedSignature('Sandbox0Secret1234', [['zeta', 'last'], ['entity', 'contact']], hook.body));
  });

  it('announces a deletion with DELETE (the last state as body) or with POST and event=deleted', async () => {
    const [first, second] = sandbox.store.idsOf('invoice');
    sandbox.store.delete('invoice', first!);
    sandbox.store.delete('invoice', second!);
    await sandbox.sendWebhook({ target: `${target}/invoices`, entity: 'invoice', id: first!, event: 'delete' });
    await sandbox.sendWebhook({ target: `${target}/invoices`, entity: 'invoice', id: second!, event: 'delete', deleteStyle: 'query' });
    const [byMethod, byQuery] = received;
    expect(byMethod!.method).toBe('DELETE');
    expect(JSON.parse(byMethod!.body).invoice.invoice_id).toBe(first);
    expect(byMethod!.headers['x-zoho-webhook-signature']).toBe(expectedSignature('Sandbox0Secret1234', [], byMethod!.body));
    expect(byQuery!.method).toBe('POST');
    expect(byQuery!.url.searchParams.get('event')).toBe('deleted');
    expect(byQuery!.headers['x-zoho-webhook-signature']).toBe(expectedSignature('Sandbox0Secret1234', [['event', 'deleted']], byQuery!.body));
  });

  it('can forge: a wrong signature or none at all', async () => {
    const id = sandbox.store.idsOf('bill')[0]!;
    await sandbox.sendWebhook({ target: `${target}/bills`, entity: 'bill', id, signature: 'invalid' });
    await sandbox.sendWebhook({ target: `${target}/bills`, entity: 'bill', id, signature: 'none' });
    const [forged, unsigned] = received;
    expect(forged!.headers['x-zoho-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(forged!.headers['x-zoho-webhook-signature']).not.toBe(expectedSignature('Sandbox0Secret1234', [], forged!.body));
    expect(unsigned!.headers).not.toHaveProperty('x-zoho-webhook-signature');
  });

  it('refuses to send a record that never existed, and reports an unreachable target', async () => {
    await expect(sandbox.sendWebhook({ target, entity: 'item', id: '1' })).rejects.toThrow(/no item/);
    const id = sandbox.store.idsOf('item')[0]!;
    const result = await sandbox.sendWebhook({ target: 'http://127.0.0.1:1/unreachable', entity: 'item', id });
    expect(result.ok).toBe(false);
    expect(result.error).toBeTruthy();
  });

  it('sends webhooks automatically for store changes when targets are configured', async () => {
    const auto = await startZohoSandbox({
      seed: 'hooks-auto',
      items: 30,
      customers: 5,
      vendors: 2,
      invoices: 4,
      bills: 2,
      webhooks: { targets: { item: `${target}/products`, pricebook: `${target}/pricelists` }, format: 'json' },
    });
    try {
      const changes = auto.store.mutate({ count: 4, entities: ['item'] });
      const deleted = auto.store.idsOf('item')[5]!;
      auto.store.delete('item', deleted);
      auto.store.createInvoice(); // no invoice target: nothing sent
      await auto.flushWebhooks();
      expect(received.map((r) => JSON.parse(r.body).item.item_id).sort()).toEqual([...changes.map((c) => c.id), deleted].sort());
      expect(received.filter((r) => r.method === 'DELETE')).toHaveLength(1);
      for (const hook of received) {
        expect(hook.headers['x-zoho-webhook-signature']).toBe(expectedSignature(auto.webhookSecret, [], hook.body));
      }
      expect(auto.stats().webhooks.sent).toBe(5);
    } finally {
      await auto.close();
    }
  });
  it('mutates by itself every mutateEveryMs and announces each change', async () => {
    const ticking = await startZohoSandbox({
      seed: 'hooks-tick',
      items: 20,
      customers: 4,
      vendors: 2,
      invoices: 3,
      bills: 2,
      mutateEveryMs: 10,
      mutateCount: 2,
      webhooks: { targets: () => `${target}/any`, format: 'form' },
    });
    try {
      const changes: string[] = [];
      ticking.store.onChange((c) => changes.push(c.id));
      for (let i = 0; i < 400 && received.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
      await ticking.close();
      expect(received.length).toBeGreaterThanOrEqual(4);
      const ids = received.map((r) => {
        const wrapped = JSON.parse(new URLSearchParams(r.body).get('JSONString')!);
        const record = Object.values(wrapped)[0] as Record<string, string>;
        return Object.entries(record).find(([k]) => k.endsWith('_id'))![1];
      });
      expect(changes.slice(0, ids.length).sort()).toEqual([...ids].sort());
    } finally {
      await ticking.close();
    }
  });
});
