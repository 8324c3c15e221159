import type { QueueOperation } from '../db/schema';
import type { WebhookDelivery } from './types';

const DELETED_EVENTS = new Set(['deleted', 'delete']);

/** DELETE, or `?event=deleted` on a POST/PUT (Zoho workflows cannot always choose the method), means delete. */
export function webhookOperation(delivery: Pick<WebhookDelivery, 'method' | 'query'>): QueueOperation {
  if (delivery.method.toUpperCase() === 'DELETE') return 'delete';
  const event = delivery.query.event;
  const values = Array.isArray(event) ? event : [event];
  return values.some((value) => typeof value === 'string' && DELETED_EVENTS.has(value.toLowerCase())) ? 'delete' : 'upsert';
}
