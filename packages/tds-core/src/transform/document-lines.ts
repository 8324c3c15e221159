import type { ZohoLineItem } from '@tsh/zoho-client';
import type { DecimalString } from './types';
import { assertUniqueKeys } from './unique';

/** The columns `invoice_lines` and `bill_lines` share; each adds its parent's id. */
export interface DocumentLineColumns {
  zoho_line_item_id: string;
  zoho_item_id: string | null;
  name: string | null;
  quantity: DecimalString | null;
  rate: DecimalString | null;
  item_total: DecimalString | null;
}

/**
 * Lines of a document, or null when the record has no `line_items` key (a list row: fetch the
 * detail). An empty array means the document really has no lines.
 */
export function documentLineColumns(
  entity: string,
  documentId: string,
  lineItems: ReadonlyArray<ZohoLineItem> | undefined,
): DocumentLineColumns[] | null {
  if (lineItems === undefined) return null;
  assertUniqueKeys(entity, documentId, 'line_items', lineItems.map((line) => line.line_item_id));
  return lineItems.map((line) => ({
    zoho_line_item_id: line.line_item_id,
    zoho_item_id: line.item_id,
    name: line.name,
    quantity: line.quantity,
    rate: line.rate,
    item_total: line.item_total,
  }));
}
