import type { RecordByEntity } from '../apply/entity-appliers';
import { isBlank } from '../transform/text';

/**
 * Whether a carried record is too reduced to apply and its detail must be fetched: a list row of
 * an invoice or bill has no `line_items`, a price book row no `pricebook_items`, a contact without
 * `contact_type` cannot be told customer from vendor. Items apply as sent (without locations their
 * stored stock rows are left alone).
 */
export const needsDetail: { [E in 'products' | 'customers' | 'invoices' | 'bills' | 'pricelists']: (record: RecordByEntity[E]) => boolean } = {
  products: () => false,
  customers: (contact) => isBlank(contact.contact_type),
  invoices: (invoice) => invoice.line_items === undefined,
  bills: (bill) => bill.line_items === undefined,
  pricelists: (book) => book.pricebook_items === undefined && book.pricebook_type !== 'fixed_percentage',
};
