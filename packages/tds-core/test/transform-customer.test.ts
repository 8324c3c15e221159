import { describe, expect, it } from 'vitest';
import { contactSchema, parseRecord } from '@tsh/zoho-client/internal';
import { transformCustomer } from '../src/internal';

const contact = (fields: Record<string, unknown> = {}) =>
  parseRecord(contactSchema, 'contact', 'contact_id', {
    contact_id: '460000000026049',
    contact_name: 'Al-Rafidain Trading',
    contact_type: 'customer',
    ...fields,
  });

describe('transformCustomer', () => {
  it('maps every customers column', () => {
    const result = transformCustomer(
      contact({
        company_name: 'Al-Rafidain Trading LLC',
        status: 'active',
        email: 'orders@rafidain.example',
        phone: '+964 1 555 0100',
        mobile: '+964 770 000 0000',
        currency_code: 'IQD',
        outstanding_receivable_amount: '1250000000.000',
        payment_terms: 30,
        last_modified_time: '2025-06-03T14:22:47+0300',
      }),
    );
    expect(result).toEqual({
      ok: true,
      customer: {
        zoho_contact_id: '460000000026049',
        name: 'Al-Rafidain Trading',
        company_name: 'Al-Rafidain Trading LLC',
        email: 'orders@rafidain.example',
        phone: '+964 1 555 0100',
        mobile: '+964 770 000 0000',
        currency_code: 'IQD',
        outstanding_receivable: '1250000000.000',
        payment_terms: '30',
        is_active: true,
        zoho_last_modified_time: '2025-06-03T14:22:47+03:00',
      },
    });
  });

  it('rejects a vendor with a reason: vendors are not customers', () => {
    const result = transformCustomer(contact({ contact_type: 'vendor' }));
    expect(result).toEqual({
      ok: false,
      reason: 'not_customer',
      zoho_contact_id: '460000000026049',
      message: 'contact 460000000026049 is a "vendor", not a customer',
    });
  });

  it('asks for the detail when the payload does not say what the contact is', () => {
    for (const contact_type of [undefined, '', null]) {
      const result = transformCustomer(contact({ contact_type }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toBe('contact_type_missing');
    }
  });

  it('is_active: inactive → false, missing status → true', () => {
    const inactive = transformCustomer(contact({ status: 'inactive' }));
    const missing = transformCustomer(contact());
    expect(inactive.ok && inactive.customer.is_active).toBe(false);
    expect(missing.ok && missing.customer.is_active).toBe(true);
  });

  it('takes "" amounts as null', () => {
    const result = transformCustomer(contact({ outstanding_receivable_amount: '', payment_terms: '' }));
    expect(result.ok && result.customer).toMatchObject({ outstanding_receivable: null, payment_terms: null });
  });
});
