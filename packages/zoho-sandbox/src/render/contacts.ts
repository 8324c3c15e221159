import type { SandboxContact } from '../types';
import { zohoNumber, zohoTime } from './numbers';

const CURRENCY_IDS = { IQD: '2163579000000000099', USD: '2163579000000000101' } as const;

export const currencyId = (code: 'IQD' | 'USD') => CURRENCY_IDS[code];

function termsLabel(days: number): string {
  return days === 0 ? 'Due on Receipt' : `Net ${days}`;
}

function contactCore(contact: SandboxContact) {
  const style = contact.number_style;
  return {
    contact_id: contact.contact_id,
    contact_name: contact.contact_name,
    customer_name: contact.contact_name,
    vendor_name: contact.contact_name,
    company_name: contact.company_name,
    contact_type: contact.contact_type,
    customer_sub_type: 'business',
    status: contact.status,
    first_name: contact.first_name,
    last_name: contact.last_name,
    email: contact.email,
    phone: contact.phone,
    mobile: contact.mobile,
    currency_id: currencyId(contact.currency_code),
    currency_code: contact.currency_code,
    outstanding_receivable_amount: zohoNumber(contact.outstanding_receivable_amount, style, { optional: true }),
    outstanding_payable_amount: zohoNumber(contact.outstanding_payable_amount, style, { optional: true }),
    unused_credits_receivable_amount: zohoNumber('0', style, { optional: true }),
    payment_terms: contact.payment_terms,
    payment_terms_label: termsLabel(contact.payment_terms),
    language_code: /[\u0600-\u06FF]/.test(contact.contact_name) ? 'ar' : 'en',
    created_time: zohoTime(contact.created_time),
    last_modified_time: zohoTime(contact.last_modified_time),
  };
}

export function renderContactRow(contact: SandboxContact) {
  return contactCore(contact);
}

export function renderContact(contact: SandboxContact) {
  const address = {
    attention: `${contact.first_name} ${contact.last_name}`,
    address: contact.address,
    street2: '',
    city: contact.city,
    state: '',
    zip: '',
    country: contact.city === 'Guangzhou' ? 'China' : 'Iraq',
    phone: contact.phone,
    fax: '',
  };
  return {
    ...contactCore(contact),
    billing_address: address,
    shipping_address: address,
    contact_persons: [
      {
        contact_person_id: `3${contact.contact_id.slice(1)}`,
        salutation: '',
        first_name: contact.first_name,
        last_name: contact.last_name,
        email: contact.email,
        phone: contact.phone,
        mobile: contact.mobile,
        is_primary_contact: true,
      },
    ],
    custom_fields: [],
    notes: '',
  };
}
