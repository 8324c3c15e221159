import type { ZohoInvoice } from '@tsh/zoho-client';
import { documentLineColumns, type DocumentLineColumns } from './document-lines';
import type { DecimalString, IsoDate, IsoTimestamp } from './types';

/** A row of `invoices`. */
export interface InvoiceRow {
  zoho_invoice_id: string;
  invoice_number: string | null;
  zoho_customer_id: string | null;
  customer_name: string | null;
  status: string | null;
  date: IsoDate | null;
  due_date: IsoDate | null;
  currency_code: string | null;
  sub_total: DecimalString | null;
  tax_total: DecimalString | null;
  total: DecimalString | null;
  balance: DecimalString | null;
  zoho_last_modified_time: IsoTimestamp | null;
}

/** A row of `invoice_lines`. */
export interface InvoiceLineRow extends DocumentLineColumns {
  zoho_invoice_id: string;
}

export interface InvoiceTransform {
  invoice: InvoiceRow;
  /** Null for a list row without `line_items`: fetch the invoice's detail before applying lines. */
  lines: InvoiceLineRow[] | null;
}

export function transformInvoice(invoice: ZohoInvoice): InvoiceTransform {
  const id = invoice.invoice_id;
  return {
    invoice: {
      zoho_invoice_id: id,
      invoice_number: invoice.invoice_number,
      zoho_customer_id: invoice.customer_id,
      customer_name: invoice.customer_name,
      status: invoice.status,
      date: invoice.date,
      due_date: invoice.due_date,
      currency_code: invoice.currency_code,
      sub_total: invoice.sub_total,
      tax_total: invoice.tax_total,
      total: invoice.total,
      balance: invoice.balance,
      zoho_last_modified_time: invoice.last_modified_time,
    },
    lines: documentLineColumns('invoice', id, invoice.line_items)?.map((line) => ({ ...line, zoho_invoice_id: id })) ?? null,
  };
}
