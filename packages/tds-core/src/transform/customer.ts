import type { ZohoContact } from '@tsh/zoho-client';
import { isActiveStatus, isBlank, matchesWord } from './text';
import type { DecimalString, IsoTimestamp } from './types';

/** A row of `customers`. */
export interface CustomerRow {
  zoho_contact_id: string;
  name: string;
  company_name: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  currency_code: string | null;
  outstanding_receivable: DecimalString | null;
  payment_terms: DecimalString | null;
  is_active: boolean;
  zoho_last_modified_time: IsoTimestamp | null;
}

/**
 * Why a contact yields no customer row: `not_customer` (a vendor, or any other type) is final;
 * `contact_type_missing` means the payload did not say, so fetch the contact's detail to decide.
 */
export type CustomerSkipReason = 'not_customer' | 'contact_type_missing';

export type CustomerTransform =
  | { ok: true; customer: CustomerRow }
  | { ok: false; reason: CustomerSkipReason; message: string; zoho_contact_id: string };

export function transformCustomer(contact: ZohoContact): CustomerTransform {
  const id = contact.contact_id;
  if (isBlank(contact.contact_type)) {
    return { ok: false, reason: 'contact_type_missing', message: `contact ${id} has no contact_type`, zoho_contact_id: id };
  }
  if (!matchesWord(contact.contact_type, 'customer')) {
    const message = `contact ${id} is a ${JSON.stringify(contact.contact_type)}, not a customer`;
    return { ok: false, reason: 'not_customer', message, zoho_contact_id: id };
  }
  return {
    ok: true,
    customer: {
      zoho_contact_id: id,
      name: contact.contact_name,
      company_name: contact.company_name,
      email: contact.email,
      phone: contact.phone,
      mobile: contact.mobile,
      currency_code: contact.currency_code,
      outstanding_receivable: contact.outstanding_receivable_amount,
      payment_terms: contact.payment_terms,
      is_active: isActiveStatus(contact.status),
      zoho_last_modified_time: contact.last_modified_time,
    },
  };
}
