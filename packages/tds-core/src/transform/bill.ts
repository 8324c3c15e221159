import type { ZohoBill } from '@tsh/zoho-client';
import { documentLineColumns, type DocumentLineColumns } from './document-lines';
import type { DecimalString, IsoDate, IsoTimestamp } from './types';

/** A row of `bills`. */
export interface BillRow {
  zoho_bill_id: string;
  bill_number: string | null;
  zoho_vendor_id: string | null;
  vendor_name: string | null;
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

/** A row of `bill_lines`. */
export interface BillLineRow extends DocumentLineColumns {
  zoho_bill_id: string;
}

export interface BillTransform {
  bill: BillRow;
  /** Null for a list row without `line_items`: fetch the bill's detail before applying lines. */
  lines: BillLineRow[] | null;
}

export function transformBill(bill: ZohoBill): BillTransform {
  const id = bill.bill_id;
  return {
    bill: {
      zoho_bill_id: id,
      bill_number: bill.bill_number,
      zoho_vendor_id: bill.vendor_id,
      vendor_name: bill.vendor_name,
      status: bill.status,
      date: bill.date,
      due_date: bill.due_date,
      currency_code: bill.currency_code,
      sub_total: bill.sub_total,
      tax_total: bill.tax_total,
      total: bill.total,
      balance: bill.balance,
      zoho_last_modified_time: bill.last_modified_time,
    },
    lines: documentLineColumns('bill', id, bill.line_items)?.map((line) => ({ ...line, zoho_bill_id: id })) ?? null,
  };
}
