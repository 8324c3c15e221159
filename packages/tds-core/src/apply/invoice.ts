import type { ZohoInvoice } from '@tsh/zoho-client';
import { transformInvoice } from '../transform/invoice';
import type { ApplyContext } from './apply-context';
import { applyDocument, deleteDocument, prepareDocument, type DocumentTables, type PreparedDocument } from './document';
import type { ApplyDb, ApplyOutcome } from './types';

export const invoiceTables: DocumentTables = { entity: 'invoice', table: 'invoices', key: 'zoho_invoice_id', linesTable: 'invoice_lines' };

export function prepareInvoice(invoice: ZohoInvoice, ctx: ApplyContext): PreparedDocument {
  const { invoice: header, lines } = transformInvoice(invoice);
  return prepareDocument(invoiceTables, invoice.invoice_id, { ...header }, lines, invoice, ctx.config.keepRaw);
}

/**
 * Applies a full invoice (with `line_items`): header and lines in one transaction, lines replaced
 * as a set. The customer need not be stored yet: the invoice keeps its Zoho customer id.
 */
export async function applyInvoice(db: ApplyDb, invoice: ZohoInvoice, ctx: ApplyContext): Promise<ApplyOutcome> {
  return applyDocument(db, invoiceTables, prepareInvoice(invoice, ctx), ctx);
}

export function deleteInvoice(db: ApplyDb, invoiceId: string, ctx: ApplyContext, record?: ZohoInvoice): Promise<ApplyOutcome> {
  return deleteDocument(db, invoiceTables, invoiceId, record?.last_modified_time ?? null, ctx, record ? () => prepareInvoice(record, ctx) : undefined);
}
