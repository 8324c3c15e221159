import { billSchema, contactSchema, inventoryAdjustmentSchema, invoiceSchema, itemSchema, parseRecord, pricebookSchema, transferOrderSchema } from '@tsh/zoho-client/internal';
import type { z } from 'zod';

/** The entity names of the queue, the CLI (`tds sync <entity>`) and the HTTP routes (docs/architecture.md, "Entity names"). */
export const entityTypes = ['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists'] as const;
export type EntityType = (typeof entityTypes)[number];

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && (entityTypes as readonly string[]).includes(value);
}

/**
 * The singular keys Zoho wraps a webhook record in (`{"item": {…}}`), with the queue entity type a
 * record of that kind feeds, the field holding its Zoho id, and the schema that parses it.
 */
export const webhookEntities = {
  item: { entityType: 'products', idField: 'item_id', schema: itemSchema },
  contact: { entityType: 'customers', idField: 'contact_id', schema: contactSchema },
  invoice: { entityType: 'invoices', idField: 'invoice_id', schema: invoiceSchema },
  bill: { entityType: 'bills', idField: 'bill_id', schema: billSchema },
  pricebook: { entityType: 'pricelists', idField: 'pricebook_id', schema: pricebookSchema },
  inventory_adjustment: { entityType: 'stock', idField: 'inventory_adjustment_id', schema: inventoryAdjustmentSchema },
  transfer_order: { entityType: 'stock', idField: 'transfer_order_id', schema: transferOrderSchema },
} as const satisfies Record<string, { entityType: EntityType; idField: string; schema: z.ZodType }>;

export type WebhookEntityKey = keyof typeof webhookEntities;
export type WebhookEntitySpec<K extends WebhookEntityKey = WebhookEntityKey> = (typeof webhookEntities)[K];

export const webhookEntityKeys = Object.keys(webhookEntities) as WebhookEntityKey[];

export function isWebhookEntityKey(value: unknown): value is WebhookEntityKey {
  return typeof value === 'string' && Object.hasOwn(webhookEntities, value);
}

/**
 * Which record keys each webhook route (`/api/zoho/webhooks/<entity type>`) accepts. The stock
 * route also takes an item: an item webhook fired by a stock change refreshes that item's stock.
 */
export const webhookKeysByEntityType = {
  products: ['item'],
  customers: ['contact'],
  invoices: ['invoice'],
  bills: ['bill'],
  stock: ['item', 'inventory_adjustment', 'transfer_order'],
  pricelists: ['pricebook'],
} as const satisfies Record<EntityType, readonly WebhookEntityKey[]>;

/** The record key whose Zoho id identifies a queue item of each entity type (stock is tracked per item). */
export const primaryWebhookKeyOf = {
  products: 'item',
  customers: 'contact',
  invoices: 'invoice',
  bills: 'bill',
  stock: 'item',
  pricelists: 'pricebook',
} as const satisfies Record<EntityType, WebhookEntityKey>;

/** Parses a raw record of the given kind; throws ZohoValidationError naming the record id and the issues. */
export function parseWebhookRecord<K extends WebhookEntityKey>(key: K, raw: unknown): z.output<WebhookEntitySpec<K>['schema']> {
  const spec: WebhookEntitySpec = webhookEntities[key];
  return parseRecord(spec.schema, key, spec.idField, raw) as z.output<WebhookEntitySpec<K>['schema']>;
}
