import { describe, expect, it } from 'vitest';
import { ZohoValidationError } from '@tsh/zoho-client';
import { billSchema, invoiceSchema, parseRecord } from '@tsh/zoho-client/internal';
import { transformBill, transformInvoice } from '../src/internal';

const invoice = (fields: Record<string, unknown> = {}) =>
  parseRecord(invoiceSchema, 'invoice', 'invoice_id', {
    invoice_id: '982000000567114',
    invoice_number: 'INV-000042',
    customer_id: '982000000567001',
    customer_name: 'Al-Rafidain Trading',
    status: 'sent',
    date: '2025-06-01',
    due_date: '2025-07-01',
    currency_code: 'IQD',
    sub_total: '1250000000.000',
    tax_total: '0.000',
    total: '1250000000.000',
    balance: '1250000000.000',
    last_modified_time: '2025-06-03T14:22:47+0300',
    ...fields,
  });

const line = (id: string, fields: Record<string, unknown> = {}) => ({
  line_item_id: id,
  item_id: '4815000000044208',
  name: 'Olive Oil 1L',
  quantity: '100000',
  rate: '12500.000',
  item_total: '1250000000.000',
  ...fields,
});

describe('transformInvoice', () => {
  it('maps the header and its lines', () => {
    const result = transformInvoice(invoice({ line_items: [line('L1'), line('L2', { item_id: '', name: 'Delivery', quantity: 1, rate: '0', item_total: '' })] }));
    expect(result.invoice).toEqual({
      zoho_invoice_id: '982000000567114',
      invoice_number: 'INV-000042',
      zoho_customer_id: '982000000567001',
      customer_name: 'Al-Rafidain Trading',
      status: 'sent',
      date: '2025-06-01',
      due_date: '2025-07-01',
      currency_code: 'IQD',
      sub_total: '1250000000.000',
      tax_total: '0.000',
      total: '1250000000.000',
      balance: '1250000000.000',
      zoho_last_modified_time: '2025-06-03T14:22:47+03:00',
    });
    expect(result.lines).toEqual([
      { zoho_line_item_id: 'L1', zoho_invoice_id: '982000000567114', zoho_item_id: '4815000000044208', name: 'Olive Oil 1L', quantity: '100000', rate: '12500.000', item_total: '1250000000.000' },
      { zoho_line_item_id: 'L2', zoho_invoice_id: '982000000567114', zoho_item_id: null, name: 'Delivery', quantity: '1', rate: '0', item_total: null },
    ]);
  });

  it('keeps a 1 250 000 000.000 IQD total exactly, and totals beyond double precision too', () => {
    expect(transformInvoice(invoice()).invoice.total).toBe('1250000000.000');
    const huge = '98765432109876543210.123456789';
    expect(transformInvoice(invoice({ total: huge, line_items: [line('L1', { item_total: huge })] }))).toMatchObject({
      invoice: { total: huge },
      lines: [{ item_total: huge }],
    });
  });

  it('takes numbers sent as JSON numbers or strings, and "" as null', () => {
    const parsed = transformInvoice(invoice({ total: 1250000000.5, balance: '', tax_total: '  15.50 ' })).invoice;
    expect(parsed).toMatchObject({ total: '1250000000.5', balance: null, tax_total: '15.50' });
  });

  it('gives lines null for a list row (no line_items key) and [] for an invoice without lines', () => {
    expect(transformInvoice(invoice()).lines).toBeNull();
    expect(transformInvoice(invoice({ line_items: [] })).lines).toEqual([]);
  });

  it('keeps list-row gaps (no sub_total / tax_total) as null rather than inventing zeros', () => {
    expect(transformInvoice(invoice({ sub_total: undefined, tax_total: undefined })).invoice).toMatchObject({ sub_total: null, tax_total: null });
  });

  it('rejects an invoice that lists one line id twice, as a validation error naming it', () => {
    const run = () => transformInvoice(invoice({ line_items: [line('L1'), line('L1', { quantity: '2' })] }));
    expect(run).toThrow(ZohoValidationError);
    expect(run).toThrow('Invalid Zoho invoice 982000000567114: line_items.1: duplicate key L1 (already at index 0)');
  });
});

describe('transformBill', () => {
  const bill = (fields: Record<string, unknown> = {}) =>
    parseRecord(billSchema, 'bill', 'bill_id', {
      bill_id: '982000000777001',
      bill_number: 'BILL-7',
      vendor_id: '982000000555001',
      vendor_name: 'Basra Mills',
      status: 'open',
      date: '2025-05-20',
      due_date: '',
      currency_code: 'USD',
      sub_total: '1000.00',
      tax_total: '50.00',
      total: '1050.00',
      balance: '1050.00',
      last_modified_time: '2025-05-21T09:00:00+0000',
      ...fields,
    });

  it('maps the header and its lines with zoho_bill_id', () => {
    const result = transformBill(bill({ line_items: [line('B1', { quantity: '10', rate: '100.00', item_total: '1000.00' })] }));
    expect(result.bill).toEqual({
      zoho_bill_id: '982000000777001',
      bill_number: 'BILL-7',
      zoho_vendor_id: '982000000555001',
      vendor_name: 'Basra Mills',
      status: 'open',
      date: '2025-05-20',
      due_date: null,
      currency_code: 'USD',
      sub_total: '1000.00',
      tax_total: '50.00',
      total: '1050.00',
      balance: '1050.00',
      zoho_last_modified_time: '2025-05-21T09:00:00+00:00',
    });
    expect(result.lines).toEqual([
      { zoho_line_item_id: 'B1', zoho_bill_id: '982000000777001', zoho_item_id: '4815000000044208', name: 'Olive Oil 1L', quantity: '10', rate: '100.00', item_total: '1000.00' },
    ]);
  });

  it('gives lines null for a list row', () => {
    expect(transformBill(bill()).lines).toBeNull();
  });
});
