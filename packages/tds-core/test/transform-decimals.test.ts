import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import { billSchema, contactSchema, invoiceSchema, itemSchema, parseRecord, pricebookSchema } from '@tsh/zoho-client/internal';
import { defaultTransformConfig, transformBill, transformCustomer, transformInvoice, transformPriceList, transformProduct } from '../src/internal';

const digits = (minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength, maxLength }).map((d) => d.join(''));

/** Any decimal as Zoho may spell it: optional sign, leading zeros, up to 40 integer and 20 fraction digits. */
const decimalText = fc
  .record({ sign: fc.constantFrom('', '-', '+'), int: digits(0, 40), frac: fc.option(digits(0, 20), { nil: undefined }) })
  .filter(({ int, frac }) => int.length > 0 || (frac ?? '').length > 0)
  .map(({ sign, int, frac }) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}`);

const CANONICAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Every decimal column the transformers produce, fed the same value. */
function decimalColumnsFor(value: unknown): Array<string | null> {
  const item = transformProduct(
    parseRecord(itemSchema, 'item', 'item_id', {
      item_id: '1', name: 'n', rate: value, stock_on_hand: value,
      locations: [{ location_id: '9', location_stock_on_hand: value, location_available_stock: value, location_actual_available_stock: value }],
    }),
    defaultTransformConfig,
  );
  const contact = transformCustomer(
    parseRecord(contactSchema, 'contact', 'contact_id', { contact_id: '2', contact_name: 'c', contact_type: 'customer', outstanding_receivable_amount: value }),
  );
  const line = { line_item_id: 'L', quantity: value, rate: value, item_total: value };
  const money = { sub_total: value, tax_total: value, total: value, balance: value, line_items: [line] };
  const invoice = transformInvoice(parseRecord(invoiceSchema, 'invoice', 'invoice_id', { invoice_id: '3', ...money }));
  const bill = transformBill(parseRecord(billSchema, 'bill', 'bill_id', { bill_id: '4', ...money }));
  const pricebook = transformPriceList(
    parseRecord(pricebookSchema, 'pricebook', 'pricebook_id', { pricebook_id: '5', name: 'p', percentage: value, pricebook_items: [{ item_id: '1', pricebook_rate: value }] }),
  );
  const stock = item.stockLevels![0]!;
  const lines = [invoice.lines![0]!, bill.lines![0]!];
  return [
    item.product.unit_price, item.product.available_stock, stock.stock_on_hand, stock.available_stock, stock.actual_available_stock,
    contact.ok ? contact.customer.outstanding_receivable : 'rejected',
    ...[invoice.invoice, bill.bill].flatMap((h) => [h.sub_total, h.tax_total, h.total, h.balance]),
    ...lines.flatMap((l) => [l.quantity, l.rate, l.item_total]),
    pricebook.priceList.percentage, pricebook.items![0]!.rate,
  ];
}

describe('decimals survive exactly', () => {
  it('any decimal string comes out as the same number, in canonical form, keeping its scale', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const fraction = text.split('.')[1] ?? '';
        for (const out of decimalColumnsFor(text)) {
          expect(out).toMatch(CANONICAL);
          expect(new Decimal(out!).equals(new Decimal(text))).toBe(true);
          expect(out!.split('.')[1] ?? '').toBe(fraction);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a canonical decimal string comes out unchanged', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const canonical = decimalColumnsFor(text)[0]!;
        expect(new Set(decimalColumnsFor(canonical))).toEqual(new Set([canonical]));
      }),
      { numRuns: 200 },
    );
  });

  it('a JSON number comes out as the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const value = JSON.parse(JSON.stringify(n)) as number;
        for (const out of decimalColumnsFor(value)) expect(Number(out)).toBe(value === 0 ? 0 : value);
      }),
      { numRuns: 200 },
    );
  });

  it('"" and null become null in every decimal column', () => {
    expect(new Set([...decimalColumnsFor(''), ...decimalColumnsFor(null)])).toEqual(new Set([null]));
  });

  it('IQD 1 250 000 000.000 stays "1250000000.000" in every column', () => {
    expect(new Set(decimalColumnsFor('1250000000.000'))).toEqual(new Set(['1250000000.000']));
  });
});
