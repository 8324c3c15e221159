import { describe, expect, it } from 'vitest';
import { ZohoValidationError } from '@tsh/zoho-client';
import { entityTypes, isEntityType } from '../src';
import { isWebhookEntityKey, parseWebhookRecord, primaryWebhookKeyOf, stockAffectedItemIds, transformInvoice, webhookEntities, webhookEntityKeys, webhookKeysByEntityType } from '../src/internal';

describe('entity types and webhook keys', () => {
  it('are the CLI/HTTP entity names of docs/architecture.md, "Entity names"', () => {
    expect([...entityTypes]).toEqual(['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists']);
    expect(isEntityType('invoices')).toBe(true);
    for (const bad of ['invoice', 'Products', '', 'toString', 42, null]) expect(isEntityType(bad)).toBe(false);
  });

  it('map each Zoho record key to its queue entity type and id field', () => {
    const table = Object.fromEntries(webhookEntityKeys.map((key) => [key, [webhookEntities[key].entityType, webhookEntities[key].idField]]));
    expect(table).toEqual({
      item: ['products', 'item_id'],
      contact: ['customers', 'contact_id'],
      invoice: ['invoices', 'invoice_id'],
      bill: ['bills', 'bill_id'],
      pricebook: ['pricelists', 'pricebook_id'],
      inventory_adjustment: ['stock', 'inventory_adjustment_id'],
      transfer_order: ['stock', 'transfer_order_id'],
    });
  });

  it('do not treat inherited object keys as record keys', () => {
    for (const bad of ['__proto__', 'constructor', 'hasOwnProperty', 'items', 'Item']) expect(isWebhookEntityKey(bad)).toBe(false);
    expect(isWebhookEntityKey('transfer_order')).toBe(true);
  });

  it('give every route its accepted keys, and each entity type a primary key it accepts', () => {
    for (const type of entityTypes) {
      expect(webhookKeysByEntityType[type]).toContain(primaryWebhookKeyOf[type]);
      for (const key of webhookKeysByEntityType[type]) expect(isWebhookEntityKey(key)).toBe(true);
    }
    const reached = new Set(Object.values(webhookKeysByEntityType).flat());
    expect([...reached].sort()).toEqual([...webhookEntityKeys].sort());
  });
});

describe('parseWebhookRecord', () => {
  it('parses a record with the schema of its key', () => {
    const invoice = parseWebhookRecord('invoice', { invoice_id: '9', total: '1250000000.000', line_items: [] });
    expect(transformInvoice(invoice).invoice.total).toBe('1250000000.000');
    const adjustment = parseWebhookRecord('inventory_adjustment', { inventory_adjustment_id: '8', line_items: [{ item_id: '1' }] });
    expect(stockAffectedItemIds(adjustment)).toEqual(['1']);
  });

  it('throws a ZohoValidationError naming the record when it does not fit', () => {
    const run = () => parseWebhookRecord('bill', { bill_id: '77', total: 'lots' });
    expect(run).toThrow(ZohoValidationError);
    expect(run).toThrow(/Invalid Zoho bill 77: total: expected a decimal number/);
  });
});
