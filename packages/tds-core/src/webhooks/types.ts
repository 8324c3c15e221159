export interface WebhookDelivery {
  /** The path segment after /api/zoho/webhooks/: products, customers, invoices, bills, stock, pricelists. */
  entity: string;
  method: string;
  query: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  contentType: string | undefined;
  signature: string | undefined;
  /** The X-TDS-Webhook-Token header, for TDS_WEBHOOK_AUTH=token (docs/security.md). */
  token?: string;
}

/**
 * A delivery whose body is read by the core as it arrives (see docs/webhook-intake.md). The core
 * reads `body` to its end even when it refuses the delivery, so a host can answer on the same
 * connection; a stream error (the client went away) is passed on as thrown.
 */
export interface WebhookStreamDelivery extends Omit<WebhookDelivery, 'rawBody'> {
  body: AsyncIterable<Uint8Array>;
  /** The host's own limit for bodies kept whole, when smaller than the core's. */
  maxBodyBytes?: number;
}

export interface WebhookIngestResult {
  /** stale: older than the version already stored; logged in the inbox, not queued (docs/deletions.md). */
  status: 'accepted' | 'duplicate' | 'stale';
  eventId: string;
  queueItemId: string | null;
}
