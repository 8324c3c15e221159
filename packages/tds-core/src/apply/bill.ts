import type { ZohoBill } from '@tsh/zoho-client';
import { transformBill } from '../transform/bill';
import type { ApplyContext } from './apply-context';
import { applyDocument, deleteDocument, prepareDocument, type DocumentTables, type PreparedDocument } from './document';
import type { ApplyDb, ApplyOutcome } from './types';

export const billTables: DocumentTables = { entity: 'bill', table: 'bills', key: 'zoho_bill_id', linesTable: 'bill_lines' };

export function prepareBill(bill: ZohoBill, ctx: ApplyContext): PreparedDocument {
  const { bill: header, lines } = transformBill(bill);
  return prepareDocument(billTables, bill.bill_id, { ...header }, lines, bill, ctx.config.keepRaw);
}

/** Applies a full bill (with `line_items`): header and lines in one transaction, lines replaced as a set. */
export async function applyBill(db: ApplyDb, bill: ZohoBill, ctx: ApplyContext): Promise<ApplyOutcome> {
  return applyDocument(db, billTables, prepareBill(bill, ctx), ctx);
}

export function deleteBill(db: ApplyDb, billId: string, ctx: ApplyContext, record?: ZohoBill): Promise<ApplyOutcome> {
  return deleteDocument(db, billTables, billId, record?.last_modified_time ?? null, ctx, record ? () => prepareBill(record, ctx) : undefined);
}
