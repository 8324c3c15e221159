import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contactSchema, invoiceSchema, itemSchema, parseRecord, pricebookSchema } from '@tsh/zoho-client/internal';
import { defaultTransformConfig, transformCustomer, transformInvoice, transformPriceList, transformProduct } from '../src/internal';

// Bodies arrive as JSON text; going through JSON.stringify/parse is what a webhook or API page does.
const viaJson = (record: Record<string, unknown>) => JSON.parse(JSON.stringify(record)) as unknown;

const hostile = [
  `He said "50% off" & it's <b>fine</b>`,
  `'); DROP TABLE products;--`,
  `Robert'); DELETE FROM customers WHERE ('1'='1`,
  'back\\slash\ttab\nnewline\r\n',
  '🫒🛢️ زيت 👨‍👩‍👧 family',
  '\u202Eعربي RTL override\u202C \u200F mark',
  '  padded  ',
  '$1 ${template} %s %n',
  'x'.repeat(2000),
  'ملاحظة: '.repeat(250),
];

describe('strings are kept byte-for-byte', () => {
  it.each(hostile.map((text, index) => [index, text] as const))('product text #%i survives unchanged', (_index, text) => {
    const item = parseRecord(itemSchema, 'item', 'item_id', viaJson({ item_id: '1', name: text, description: text, sku: text, ean: text, category_id: '5', category_name: text }));
    const { product, category } = transformProduct(item, defaultTransformConfig);
    expect(product).toMatchObject({ name: text, name_ar: text, description: text, sku: text, barcode: text, category_name: text });
    expect(category?.name).toBe(text);
    expect(Buffer.from(product.description!, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('keeps a 2 000-character description and an RTL Arabic name', () => {
    const description = 'وصف '.repeat(500);
    expect(description).toHaveLength(2000);
    const item = parseRecord(itemSchema, 'item', 'item_id', viaJson({
      item_id: '1',
      name: 'Tea',
      description,
      custom_fields: [{ customfield_id: '1', label: 'Arabic Name', api_name: 'cf_name_ar', value: 'شاي \u200Fأحمر' }],
    }));
    expect(transformProduct(item, defaultTransformConfig).product).toMatchObject({ description, name_ar: 'شاي \u200Fأحمر' });
  });

  it('any valid string survives every transformer unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const item = parseRecord(itemSchema, 'item', 'item_id', viaJson({ item_id: '1', name: text, description: text }));
        const { product } = transformProduct(item, defaultTransformConfig);
        expect([product.name, product.description]).toEqual([text, text]);

        const contact = parseRecord(contactSchema, 'contact', 'contact_id', viaJson({ contact_id: '2', contact_name: text, contact_type: 'customer', email: text }));
        const customer = transformCustomer(contact);
        expect(customer.ok && [customer.customer.name, customer.customer.email]).toEqual([text, text]);

        const invoice = parseRecord(invoiceSchema, 'invoice', 'invoice_id', viaJson({
          invoice_id: '3', invoice_number: text, customer_name: text, line_items: [{ line_item_id: '4', name: text }],
        }));
        const { invoice: header, lines } = transformInvoice(invoice);
        expect([header.invoice_number, header.customer_name, lines![0]!.name]).toEqual([text, text, text]);

        const pricebook = parseRecord(pricebookSchema, 'pricebook', 'pricebook_id', viaJson({ pricebook_id: '5', name: text }));
        expect(transformPriceList(pricebook).priceList.name).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
