import { Agent, request } from 'node:http';
import { signZohoWebhook } from '@tsh/zoho-client';

/** A full item as Zoho's webhook carries it (about 1 KB), a new record for each `n`. */
export function itemWebhookBody(n: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      item: {
        item_id: String(4815000000000000 + n),
        name: `Router AX3000 #${n}`,
        sku: `RT-${n}`,
        status: 'active',
        rate: '1250000.25',
        purchase_rate: '990000.00',
        stock_on_hand: '12.5',
        description: 'Dual-band Wi-Fi 6 router, 4 LAN ports, 1 WAN port, WPA3, MU-MIMO',
        category_id: '4815000000000001',
        category_name: 'Networking',
        custom_fields: [{ customfield_id: '1', label: 'Arabic name', api_name: 'cf_name_ar', value: 'راوتر AX3000' }],
        locations: [
          { location_id: '1', location_name: 'Baghdad', location_stock_on_hand: '10', location_available_stock: '10', location_actual_available_stock: '9' },
          { location_id: '2', location_name: 'Basra', location_stock_on_hand: '2.5', location_available_stock: '2.5', location_actual_available_stock: '2.5' },
        ],
        last_modified_time: '2025-06-03T14:22:47+0300',
      },
    }),
  );
}

/** The zoho_item_id of itemWebhookBody(n). */
export const itemWebhookId = (n: number): string => String(4815000000000000 + n);

/** POSTs a signed products webhook; resolves with the status (0 on a network error). */
export function postItemWebhook(agent: Agent, port: number, secret: string, body: Buffer): Promise<number> {
  const signature = signZohoWebhook({ secret, rawBody: body, contentType: 'application/json' });
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/api/zoho/webhooks/products', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-zoho-webhook-signature': signature } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
