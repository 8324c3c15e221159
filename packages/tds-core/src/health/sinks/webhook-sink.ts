import type { AlertNotice, AlertSink } from '../alerts/types';
import { alertText } from './alert-text';

export interface WebhookAlertSinkOptions {
  /** Where to POST (a Slack incoming webhook works: the body carries `text`). Never logged: such URLs are secrets. */
  url: string;
  headers?: Record<string, string>;
  /** Default 5000 ms. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** POSTs each alert as JSON: `{ text, alert }`, where `text` is Slack-compatible. A non-2xx answer throws. */
export function createWebhookAlertSink(options: WebhookAlertSinkOptions): AlertSink {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError('webhook alert sink: url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('webhook alert sink: url must be an absolute http(s) URL');
  const send = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    name: 'webhook',
    async send(alert: AlertNotice) {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify({ text: alertText(alert), alert }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is reused.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`alert webhook answered HTTP ${response.status}`);
    },
  };
}
