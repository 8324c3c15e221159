import type { ZohoContact } from '@tsh/zoho-client';
import { transformCustomer, type CustomerRow } from '../transform/customer';
import type { ApplyContext } from './apply-context';
import { inRecordTransaction } from './record-transaction';
import { prepareForTombstone, softDeleteRow } from './soft-delete';
import { assertStorableText } from './storable-text';
import { RecordRejectedError, type ApplyDb, type ApplyOutcome } from './types';
import { upsertVersioned } from './versioned-upsert';

const INT4_MAX = 2_147_483_647;

/** Zoho's payment terms are whole days; the column is an integer, so anything else is refused, not rounded. */
function paymentTermsDays(contactId: string, terms: string | null): number | null {
  if (terms === null) return null;
  const match = /^(-?\d+)(?:\.0*)?$/.exec(terms);
  const days = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(days) || Math.abs(days) > INT4_MAX) {
    throw new RecordRejectedError('contact', contactId, `payment_terms ${JSON.stringify(terms)} is not a whole number of days`);
  }
  return days;
}

const textField = (record: Record<string, unknown>, key: string): string | null => {
  const value = record[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
};

function customerColumns(customer: CustomerRow, contact: ZohoContact, keepRaw: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {
    zoho_contact_id: customer.zoho_contact_id,
    name: customer.name,
    company_name: customer.company_name,
    email: customer.email,
    phone: customer.phone,
    mobile: customer.mobile,
    currency_code: customer.currency_code,
    outstanding_receivable: customer.outstanding_receivable,
    payment_terms: paymentTermsDays(customer.zoho_contact_id, customer.payment_terms),
    payment_terms_label: textField(contact, 'payment_terms_label'),
    contact_type: contact.contact_type,
    is_active: customer.is_active,
    zoho_last_modified_time: customer.zoho_last_modified_time,
  };
  if (keepRaw) row.raw = JSON.stringify(contact);
  return row;
}

/** The customers row of a contact, or null for a contact that is not a customer (a vendor). */
export function prepareCustomer(contact: ZohoContact, ctx: ApplyContext): Record<string, unknown> | null {
  const result = transformCustomer(contact);
  if (!result.ok) {
    if (result.reason === 'not_customer') return null;
    throw new RecordRejectedError('contact', contact.contact_id, `${result.message}; fetch the contact's detail`);
  }
  const row = customerColumns(result.customer, contact, ctx.config.keepRaw);
  assertStorableText('contact', contact.contact_id, { row, raw: ctx.config.keepRaw ? contact : null });
  return row;
}

/** Applies a Zoho contact: customers are upserted (guarded by version), other contact types are 'skipped'. */
export async function applyCustomer(db: ApplyDb, contact: ZohoContact, ctx: ApplyContext): Promise<ApplyOutcome> {
  const row = prepareCustomer(contact, ctx);
  if (row === null) return leaveCustomers(db, contact, ctx);
  return inRecordTransaction(db, ctx, async (tx) => (await upsertVersioned(tx, { table: 'customers', key: 'zoho_contact_id', row })).outcome);
}

/** A contact that stopped being a customer (now a vendor) leaves the customers table as a soft delete. */
async function leaveCustomers(db: ApplyDb, contact: ZohoContact, ctx: ApplyContext): Promise<ApplyOutcome> {
  return inRecordTransaction(db, ctx, async (tx) => {
    const result = await softDeleteRow(tx, 'customers', 'zoho_contact_id', contact.contact_id, contact.last_modified_time ?? null);
    return result === 'deleted' ? 'deleted' : 'skipped';
  });
}

/** Soft-deletes a contact deleted in Zoho (stored as deleted when only the deletion is known). */
export async function deleteCustomer(db: ApplyDb, contactId: string, ctx: ApplyContext, record?: ZohoContact): Promise<ApplyOutcome> {
  const tombstone = record && record.contact_id === contactId ? prepareForTombstone(() => prepareCustomer(record, ctx)) : null;
  return inRecordTransaction(db, ctx, async (tx) => {
    const result = await softDeleteRow(tx, 'customers', 'zoho_contact_id', contactId, record?.last_modified_time ?? null);
    if (result !== 'missing') return result;
    if (!tombstone) return 'unchanged';
    await upsertVersioned(tx, { table: 'customers', key: 'zoho_contact_id', row: tombstone });
    await softDeleteRow(tx, 'customers', 'zoho_contact_id', contactId, null);
    return 'deleted';
  });
}
