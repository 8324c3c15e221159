import type { SandboxEntity } from '../types';
import { sandboxWebhookSignature } from './signature';

export interface SandboxWebhookRequest {
  /** URL the webhook is sent to; its own query parameters are kept and signed. */
  target: string;
  entity: SandboxEntity;
  id: string;
  /** `delete` sends the record's last state (default `upsert`). */
  event?: 'upsert' | 'delete';
  format?: 'json' | 'form';
  /** Custom query parameters (Zoho lets a webhook carry its own). */
  query?: Record<string, string>;
  /** Default POST for upserts and DELETE for deletions. */
  method?: 'POST' | 'PUT' | 'DELETE';
  /** How a deletion is announced: the DELETE method (default) or a POST with `event=deleted`. */
  deleteStyle?: 'method' | 'query';
  /** `invalid` signs with a wrong secret, `none` sends no signature header (forged webhooks). */
  signature?: 'valid' | 'invalid' | 'none';
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface SandboxWebhookResult {
  ok: boolean;
  status?: number;
  responseBody?: string;
  error?: string;
  method: string;
  url: string;
  /** The signature header sent (absent when none was sent). */
  signature?: string;
  body: string;
  contentType: string;
}

export interface SandboxWebhookPayload {
  /** The record wrapped in its singular key: `{"item": {…}}`. */
  wrapped: Record<string, unknown>;
}

/** Builds, signs and POSTs/PUTs/DELETEs one webhook the way Zoho's workflow rules send it. */
export async function deliverWebhook(request: SandboxWebhookRequest, payload: SandboxWebhookPayload, secret: string): Promise<SandboxWebhookResult> {
  const url = new URL(request.target);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.append(key, value);
  const deleting = request.event === 'delete';
  let method: string = request.method ?? (deleting && request.deleteStyle !== 'query' ? 'DELETE' : 'POST');
  if (deleting && request.deleteStyle === 'query') {
    url.searchParams.set('event', 'deleted');
    method = request.method ?? 'POST';
  }

  const json = JSON.stringify(payload.wrapped);
  const query = [...url.searchParams];
  let body: string;
  let contentType: string;
  let signature: string;
  if (request.format === 'form') {
    body = new URLSearchParams({ JSONString: json }).toString();
    contentType = 'application/x-www-form-urlencoded';
    signature = sandboxWebhookSignature(secret, { query, form: [['JSONString', json]] });
  } else {
    body = json;
    contentType = 'application/json';
    signature = sandboxWebhookSignature(secret, { query, rawBody: json });
  }
  const mode = request.signature ?? 'valid';
  if (mode === 'invalid') signature = sandboxWebhookSignature(`${secret}-forged`, { query, rawBody: json });
  const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'ZohoBooks-Webhook (TDS sandbox)', ...request.headers };
  if (mode !== 'none') headers['x-zoho-webhook-signature'] = signature;

  const base = { method, url: url.toString(), signature: mode === 'none' ? undefined : signature, body, contentType };
  try {
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(request.timeoutMs ?? 15_000) });
    const responseBody = await response.text();
    return { ...base, ok: response.ok, status: response.status, responseBody };
  } catch (error) {
    return { ...base, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
