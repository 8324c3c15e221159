import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { CONSUMER_PRICE_LIST, createSandboxStore, WHOLESALE_PRICE_LIST } from '../src';
import { WIDE_PRICE_ITEMS } from '../src/generate/wide-prices';
import { manualClock, SMALL_CATALOGUE } from './sandbox-helpers';

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

describe('sandbox store: generated truth, mutations, snapshot', () => {
  it('generates the same catalogue for the same seed and a different one for another seed', () => {
    const a = createSandboxStore({ seed: 42, ...SMALL_CATALOGUE }).snapshot();
    const b = createSandboxStore({ seed: 42, ...SMALL_CATALOGUE }).snapshot();
    const c = createSandboxStore({ seed: 43, ...SMALL_CATALOGUE }).snapshot();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.items.map((i) => i.name)).not.toEqual(a.items.map((i) => i.name));
    expect(a.items).toHaveLength(SMALL_CATALOGUE.items);
    expect(a.customers).toHaveLength(SMALL_CATALOGUE.customers);
    expect(a.vendors).toHaveLength(SMALL_CATALOGUE.vendors);
    expect(a.invoices).toHaveLength(SMALL_CATALOGUE.invoices);
    expect(a.bills).toHaveLength(SMALL_CATALOGUE.bills);
    expect(a.locations).toHaveLength(3);
  });

  it('looks like an Iraqi distributor: Arabic names (some missing), IQD and USD prices, barcodes, hostile strings', () => {
    const { items, customers, vendors } = createSandboxStore({ seed: 'realism', items: 400, customers: 60 }).snapshot();
    const arabic = /[\u0600-\u06FF]/;
    expect(items.filter((i) => i.name_ar !== null && arabic.test(i.name_ar)).length).toBeGreaterThan(300);
    expect(items.filter((i) => i.name_ar === null).length).toBeGreaterThan(0);
    const iqd = items.filter((i) => i.price_currency === 'IQD');
    // Shop prices, and WIDE_PRICE_ITEMS heavy items past 100,000,000 IQD (docs/seed-schema.md).
    const wide = iqd.filter((i) => new D(i.rate).gt(2_500_000));
    expect(wide.map((i) => new D(i.rate).gte(100_000_000))).toEqual(Array(WIDE_PRICE_ITEMS).fill(true));
    expect(iqd.every((i) => new D(i.rate).gte(1_500) && (new D(i.rate).lte(2_500_000) || wide.includes(i)))).toBe(true);
    expect(items.some((i) => i.price_currency === 'USD')).toBe(true);
    expect(items.some((i) => i.ean === '' && i.upc === '' && i.isbn === '')).toBe(true);
    expect(items.some((i) => i.status === 'inactive')).toBe(true);
    expect(new Set(items.map((i) => i.item_id)).size).toBe(items.length);
    expect(new Set(items.map((i) => i.sku)).size).toBe(items.length);
    const names = items.map((i) => i.name);
    expect(names).toContain("'); DROP TABLE products;--");
    expect(names.some((n) => n.includes('"'))).toBe(true);
    expect(names.some((n) => /\p{Extended_Pictographic}/u.test(n))).toBe(true);
    expect(items.some((i) => i.description.length === 2000)).toBe(true);
    expect(customers.some((c) => arabic.test(c.contact_name))).toBe(true);
    expect(customers.some((c) => c.currency_code === 'USD')).toBe(true);
    expect(customers.some((c) => c.contact_name.includes("'"))).toBe(true);
    expect(vendors.every((v) => v.contact_type === 'vendor')).toBe(true);
  });

  it('computes every document total exactly, and includes an invoice above 1 250 000 000 IQD', () => {
    const { invoices, bills } = createSandboxStore({ seed: 'totals', ...SMALL_CATALOGUE, invoices: 60, bills: 30 }).snapshot();
    for (const doc of [...invoices, ...bills]) {
      expect(doc.line_items.length).toBeGreaterThanOrEqual(1);
      let sub = new D(0);
      let tax = new D(0);
      for (const line of doc.line_items) {
        const total = new D(line.quantity).times(line.rate).times(new D(100).minus(line.discount)).dividedBy(100).toDecimalPlaces(2);
        expect(line.item_total).toBe(total.toString());
        sub = sub.plus(line.item_total);
        tax = tax.plus(new D(line.item_total).times(line.tax_percentage).dividedBy(100).toDecimalPlaces(2));
      }
      expect(doc.sub_total).toBe(sub.toString());
      expect(doc.tax_total).toBe(tax.toString());
      expect(doc.total).toBe(sub.plus(tax).toString());
      expect(new D(doc.balance).lte(doc.total)).toBe(true);
    }
    const large = invoices.filter((i) => i.currency_code === 'IQD' && new D(i.total).gt('1250000000'));
    expect(large.length).toBeGreaterThanOrEqual(1);
    expect(invoices.filter((i) => i.line_items.length <= 8)).toHaveLength(invoices.length);
  });

  it('has consumer and wholesale per-item price lists covering most but not all items, and a fixed-percentage one', () => {
    const { pricebooks, items } = createSandboxStore({ seed: 'prices', items: 300 }).snapshot();
    const consumer = pricebooks.find((p) => p.name === CONSUMER_PRICE_LIST)!;
    const wholesale = pricebooks.find((p) => p.name === WHOLESALE_PRICE_LIST)!;
    for (const book of [consumer, wholesale]) {
      expect(book.pricebook_type).toBe('per_item');
      expect(book.pricebook_items.length).toBeGreaterThan(items.length / 2);
      expect(book.pricebook_items.length).toBeLessThan(items.length);
    }
    expect(pricebooks.some((p) => p.pricebook_type === 'fixed_percentage' && p.percentage === '10')).toBe(true);
  });

  it('mutates deterministically by seed, bumping last_modified_time of every changed record', () => {
    const clock = manualClock();
    const one = createSandboxStore({ seed: 'mutate', ...SMALL_CATALOGUE, now: clock.now });
    const two = createSandboxStore({ seed: 'mutate', ...SMALL_CATALOGUE, now: clock.now });
    const before = new Map(one.snapshot().items.map((i) => [i.item_id, i.last_modified_time]));
    clock.advance(5_000);
    const changes = one.mutate({ count: 25 });
    expect(two.mutate({ count: 25 })).toEqual(changes);
    expect(JSON.stringify(two.snapshot())).toBe(JSON.stringify(one.snapshot()));
    expect(new Set(changes.map((c) => c.entity)).size).toBeGreaterThan(2);
    for (const change of changes.filter((c) => c.entity === 'item')) {
      const item = one.items.get(change.id)!;
      expect(item.last_modified_time).toBeGreaterThan(before.get(change.id)!);
      expect(item.last_modified_time).toBeGreaterThanOrEqual(Math.floor(clock.now() / 1000) * 1000);
    }
    const unchanged = one.items.list().filter((i) => !changes.some((c) => c.id === i.item_id));
    for (const item of unchanged) expect(item.last_modified_time).toBe(before.get(item.item_id));
  });

  it('keeps totals exact when invoice lines are added and removed', () => {
    const store = createSandboxStore({ seed: 'lines', ...SMALL_CATALOGUE });
    const changes = store.mutate({ count: 40, entities: ['invoice', 'bill'] });
    expect(changes.some((c) => c.detail === 'line-added')).toBe(true);
    expect(changes.some((c) => c.detail === 'line-removed')).toBe(true);
    for (const doc of [...store.invoices.list(), ...store.bills.list()]) {
      const sub = doc.line_items.reduce((acc, l) => acc.plus(l.item_total), new D(0));
      expect(doc.sub_total).toBe(sub.toString());
      expect(new D(doc.total).eq(sub.plus(doc.tax_total))).toBe(true);
    }
  });

  it('creates, updates and deletes records, tells listeners, and keeps the last state of deleted ones', () => {
    const store = createSandboxStore({ seed: 'crud', ...SMALL_CATALOGUE });
    const seen: string[] = [];
    const stop = store.onChange((c) => seen.push(`${c.kind}:${c.entity}`));
    const item = store.createItem({ name: 'Sandbox Test Item', rate: '12500' });
    expect(store.items.get(item.item_id)!.rate).toBe('12500');
    const old = item.last_modified_time;
    store.update('item', item.item_id, { rate: '13000' });
    expect(store.items.get(item.item_id)!.last_modified_time).toBeGreaterThan(old);
    const book = store.pricebooks.list()[0]!;
    store.update('pricebook', book.pricebook_id, { rates: { [item.item_id]: '14000' } });
    expect(store.snapshot().pricebooks[0]!.pricebook_items).toContainEqual({ item_id: item.item_id, pricebook_rate: '14000' });
    const invoice = store.createInvoice();
    expect(store.delete('item', item.item_id)).toBe(true);
    expect(store.items.get(item.item_id)).toBeUndefined();
    expect(store.getDeleted('item', item.item_id)!.rate).toBe('13000');
    expect(store.snapshot().deleted.item).toEqual([item.item_id]);
    expect(store.snapshot().pricebooks[0]!.pricebook_items.map((p) => p.item_id)).not.toContain(item.item_id);
    expect(store.delete('item', item.item_id)).toBe(false);
    stop();
    store.delete('invoice', invoice.invoice_id);
    expect(seen).toEqual(['create:item', 'update:item', 'update:pricebook', 'create:invoice', 'delete:item']);
  });

  it('generates 100 000 items with unique ids and SKUs', () => {
    const store = createSandboxStore({ seed: 'big', items: 100_000, customers: 10, vendors: 2, invoices: 10, bills: 5, pricebooks: 2 });
    const items = store.items.list();
    expect(items).toHaveLength(100_000);
    expect(new Set(items.map((i) => i.item_id)).size).toBe(100_000);
    expect(new Set(items.map((i) => i.sku)).size).toBe(100_000);
  });
});
