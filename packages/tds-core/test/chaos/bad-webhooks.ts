import { sandboxFormatZohoTime, sandboxWebhookSignature } from '@tsh/zoho-sandbox';
import type { CapturedWebhook } from './webhook-relay';

// Webhooks that must not change the data: forged ones (refused with 401, nothing stored) and
// correctly signed ones carrying records that are deliberately invalid (stored, then refused by
// the worker into the dead-letter queue with the reason).

export interface BadWebhook {
  kind: string;
  route: string;
  zohoId: string;
  body: string;
  signature: string | undefined;
  /** Query of the request (signed ones sign it). */
  query?: string;
}

/** The marker every forged record carries, so that any trace of one in the tables is found. */
export const FORGED = 'FORGED-BY-CHAOS';

const NEW_ID = (n: number) => String(9_900_000_000_000_000n + BigInt(n));

function itemRecord(id: string, overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    item_id: id,
    name: `Chaos item ${id}`,
    sku: `CH-${id.slice(-6)}`,
    status: 'active',
    rate: '15000',
    description: '',
    last_modified_time: sandboxFormatZohoTime(Date.now()),
    ...overrides,
  };
}

/** Signed with the real secret: stored by TDS, refused by its worker (`field` names the broken field). */
export function deliberatelyInvalid(secret: string): Array<BadWebhook & { field: string }> {
  const out: Array<BadWebhook & { field: string }> = [];
  const sign = (json: string) => sandboxWebhookSignature(secret, { query: [], rawBody: json });
  for (let n = 1; n <= 3; n++) {
    const id = NEW_ID(n);
    const json = JSON.stringify({ item: itemRecord(id, { rate: 'not-a-number' }) });
    out.push({ kind: 'invalid item (rate not a number)', route: 'products', zohoId: id, body: json, signature: sign(json), field: 'rate' });
  }
  for (let n = 4; n <= 5; n++) {
    const id = NEW_ID(n);
    const invoice = {
      invoice_id: id,
      invoice_number: `INV-CHAOS-${n}`,
      customer_id: NEW_ID(100 + n),
      customer_name: 'Chaos customer',
      status: 'sent',
      date: '2026-01-10',
      due_date: '2026-02-10',
      currency_code: 'IQD',
      line_items: [{ line_item_id: NEW_ID(200 + n), item_id: '', name: 'Service', quantity: 1, rate: 1000, item_total: 1000 }],
      sub_total: 1000,
      tax_total: 0,
      total: 'not-a-number',
      balance: 1000,
      last_modified_time: sandboxFormatZohoTime(Date.now()),
    };
    const json = JSON.stringify({ invoice });
    out.push({ kind: 'invalid invoice (total not a number)', route: 'invoices', zohoId: id, body: json, signature: sign(json), field: 'total' });
  }
  return out;
}

/** Forged deliveries: tampered bodies under a real signature, wrong secrets, no signature, a signature for another query. */
export function forgedWebhooks(secret: string, genuine: readonly CapturedWebhook[]): BadWebhook[] {
  const out: BadWebhook[] = [];
  const future = sandboxFormatZohoTime(Date.parse('2031-01-01T00:00:00Z'));
  for (const [n, original] of genuine.filter((w) => w.path.split('?')[0]!.endsWith('/products') && w.method === 'POST').slice(0, 4).entries()) {
    const parsed = JSON.parse(original.body) as { item: Record<string, unknown> };
    const tampered = JSON.stringify({ item: { ...parsed.item, name: `${FORGED} tampered ${n}`, rate: '1', last_modified_time: future } });
    out.push({ kind: 'tampered body, genuine signature', route: 'products', zohoId: String(parsed.item.item_id), body: tampered, signature: original.signature });
  }
  for (let n = 0; n < 4; n++) {
    const id = NEW_ID(500 + n);
    const json = JSON.stringify({ item: itemRecord(id, { name: `${FORGED} wrong secret ${n}` }) });
    out.push({ kind: 'signed with a wrong secret', route: 'products', zohoId: id, body: json, signature: sandboxWebhookSignature(`${secret}x`, { query: [], rawBody: json }) });
  }
  for (let n = 0; n < 2; n++) {
    const id = NEW_ID(600 + n);
    out.push({ kind: 'no signature', route: 'products', zohoId: id, body: JSON.stringify({ item: itemRecord(id, { name: `${FORGED} unsigned ${n}` }) }), signature: undefined });
  }
  for (let n = 0; n < 2; n++) {
    const id = NEW_ID(700 + n);
    const json = JSON.stringify({ item: itemRecord(id, { name: `${FORGED} other query ${n}` }) });
    // A valid signature of the same body under a query parameter the request does not carry.
    out.push({ kind: 'signature for another query', route: 'products', zohoId: id, body: json, signature: sandboxWebhookSignature(secret, { query: [['source', 'zoho']], rawBody: json }), query: 'source=evil' });
  }
  return out;
}

export async function sendBad(serveUrl: string, webhook: BadWebhook): Promise<number> {
  const url = `${serveUrl}/api/zoho/webhooks/${webhook.route}${webhook.query ? `?${webhook.query}` : ''}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (webhook.signature !== undefined) headers['x-zoho-webhook-signature'] = webhook.signature;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, { method: 'POST', headers, body: webhook.body, signal: AbortSignal.timeout(15_000) });
      await response.text();
      // A 5xx (say, while backends are being terminated) is tried again, as Zoho would.
      if (response.status < 500 || attempt >= 5) return response.status;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
