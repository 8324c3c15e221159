import type { EntityType, WebhookEntityKey } from '../transform/entities';

/**
 * Records whose worker fetches them from Zoho by id whatever the delivery carried, so that a
 * delivery of one needs nothing past its signature but the id: a price book (a whole catalogue
 * of rates, 1.24 MB at 6,000 items), and an item on the stock route (its stock is refreshed
 * through itemdetails). Stock adjustments and transfer orders are not: their worker reads the
 * items from the lines the delivery carries. See docs/webhook-intake.md.
 */
export const fetchedWebhookRecords: Partial<Record<EntityType, readonly WebhookEntityKey[]>> = {
  pricelists: ['pricebook'],
  stock: ['item'],
};

/** TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES's default: the largest delivery of such a record. */
export const DEFAULT_WEBHOOK_MAX_FETCHED_BODY_BYTES = 64 * 1024 * 1024;
