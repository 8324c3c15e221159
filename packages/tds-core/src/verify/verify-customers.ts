import type { ZohoContact } from '@tsh/zoho-client';
import { prepareCustomer } from '../apply/customer';
import { entityFetchers } from '../handlers/entity-fetchers';
import { transformCustomer } from '../transform/customer';
import { isBlank } from '../transform/text';
import { diffColumns, type ColumnKinds } from './column-diff';
import { reasonOf, type EntityVerifier, type RecordCheck, type ZohoRead } from './entity-verifier';
import { readOfFetched } from './fetched-read';
import { countActive, readStoredRows } from './stored-rows';
import type { VerifyEnv } from './verify-env';
import { listAll, listSample, type ListedRecords } from './zoho-lists';

const CUSTOMER_COLUMNS: ColumnKinds = {
  name: 'text',
  company_name: 'text',
  email: 'text',
  phone: 'text',
  mobile: 'text',
  currency_code: 'text',
  outstanding_receivable: 'decimal',
  payment_terms: 'integer',
  is_active: 'boolean',
};

/** List rows are compared as the sync applies them; a row that does not say its contact type is read whole, as the sync does. */
async function completeRows(env: VerifyEnv, listed: ListedRecords<ZohoContact>): Promise<ZohoRead<ZohoContact>> {
  const reduced = listed.records.filter((c) => isBlank(c.contact_type)).map((c) => c.contact_id);
  const details = readOfFetched<ZohoContact>(reduced, reduced.length > 0 ? await entityFetchers.customers(env.zoho, reduced) : new Map());
  return {
    records: [...listed.records.filter((c) => !isBlank(c.contact_type)), ...details.records],
    gone: details.gone,
    unstorable: [...details.unstorable, ...listed.invalid.map((e) => ({ zoho_id: e.recordId ?? '(no id)', reason: reasonOf(e) }))],
  };
}

/** A sample of customers is drawn from contacts that are customers: a vendor would be checked as nothing. */
const isCustomerContact = (contact: ZohoContact): boolean => {
  const result = transformCustomer(contact);
  return result.ok || result.reason !== 'not_customer';
};

/** Customers: Books contacts of every status, vendors excluded, mapped by the apply path's `prepareCustomer`. */
export const customersVerifier: EntityVerifier<ZohoContact> = {
  entity: 'customers',
  presence: { table: 'customers', key: 'zoho_contact_id' },
  idOf: (contact) => contact.contact_id,
  async live(env, sample) {
    const contacts = env.zoho.books.contacts;
    const listed =
      sample === null
        ? await listAll(contacts.pages({ filterBy: 'Status.All' }))
        : await listSample(env, (params) => contacts.list({ ...params, filterBy: 'Status.All' }), await countActive(env.db, 'customers'), sample, isCustomerContact);
    return completeRows(env, listed);
  },
  async byIds(env, ids) {
    return readOfFetched(ids, await entityFetchers.customers(env.zoho, ids));
  },
  async check(env, contacts) {
    const checks = new Map<string, RecordCheck>();
    const stored = await readStoredRows(env.db, 'customers', 'zoho_contact_id', Object.keys(CUSTOMER_COLUMNS), contacts.map((c) => c.contact_id));
    for (const contact of contacts) {
      let expected: Record<string, unknown> | null;
      try {
        expected = prepareCustomer(contact, env.ctx);
      } catch (error) {
        checks.set(contact.contact_id, { kind: 'unstorable', reason: reasonOf(error) });
        continue;
      }
      if (expected === null) {
        checks.set(contact.contact_id, { kind: 'foreign' });
        continue;
      }
      const row = stored.get(contact.contact_id);
      if (!row || row.deleted_at !== null) {
        checks.set(contact.contact_id, { kind: 'missing' });
        continue;
      }
      const columns = diffColumns(CUSTOMER_COLUMNS, row, expected);
      checks.set(contact.contact_id, columns.length === 0 ? { kind: 'match' } : { kind: 'drift', columns });
    }
    return checks;
  },
};
