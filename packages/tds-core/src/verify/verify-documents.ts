import type { ZohoBill, ZohoInvoice, ZohoListPage, ZohoListParams } from '@tsh/zoho-client';
import { prepareBill } from '../apply/bill';
import type { PreparedDocument } from '../apply/document';
import type { ApplyContext } from '../apply/apply-context';
import { prepareInvoice } from '../apply/invoice';
import type { FetchResult } from '../handlers/fetch-result';
import { entityFetchers } from '../handlers/entity-fetchers';
import { diffColumns, diffRowSets, type ColumnKinds } from './column-diff';
import { reasonOf, type EntityVerifier, type RecordCheck } from './entity-verifier';
import { readOfFetched } from './fetched-read';
import { countActive, readStoredChildren, readStoredRows } from './stored-rows';
import { listAll, listSample } from './zoho-lists';

const MONEY: ColumnKinds = { currency_code: 'text', sub_total: 'decimal', tax_total: 'decimal', total: 'decimal', balance: 'decimal' };
const INVOICE_COLUMNS: ColumnKinds = { invoice_number: 'text', zoho_customer_id: 'text', customer_name: 'text', status: 'text', date: 'date', due_date: 'date', ...MONEY };
const BILL_COLUMNS: ColumnKinds = { bill_number: 'text', zoho_vendor_id: 'text', vendor_name: 'text', status: 'text', date: 'date', due_date: 'date', ...MONEY };
const LINE_COLUMNS: ColumnKinds = { zoho_item_id: 'text', name: 'text', quantity: 'decimal', rate: 'decimal', item_total: 'decimal' };

interface DocumentSpec<R> {
  entity: 'invoices' | 'bills';
  table: 'invoices' | 'bills';
  key: 'zoho_invoice_id' | 'zoho_bill_id';
  linesTable: 'invoice_lines' | 'bill_lines';
  columns: ColumnKinds;
  idOf(record: R): string;
  list(zoho: Parameters<EntityVerifier<R>['live']>[0]['zoho']): {
    pages(params: ZohoListParams): AsyncGenerator<ZohoListPage<R>, void, undefined>;
    list(params: ZohoListParams): Promise<ZohoListPage<R>>;
  };
  fetch(zoho: Parameters<EntityVerifier<R>['live']>[0]['zoho'], ids: readonly string[]): Promise<Map<string, FetchResult<R>>>;
  prepare(record: R, ctx: ApplyContext): PreparedDocument;
}

/**
 * Invoices or bills: list rows have no lines, so every listed document is read by its detail, as
 * a first full sync reads it; header columns and the set of lines are compared with the mapping
 * of the apply path (`prepareInvoice` / `prepareBill`).
 */
function documentVerifier<R>(spec: DocumentSpec<R>): EntityVerifier<R> {
  return {
    entity: spec.entity,
    presence: { table: spec.table, key: spec.key },
    idOf: spec.idOf,
    async live(env, sample) {
      const resource = spec.list(env.zoho);
      const listed =
        sample === null
          ? await listAll(resource.pages({ filterBy: 'Status.All' }))
          : await listSample(env, (params) => resource.list({ ...params, filterBy: 'Status.All' }), await countActive(env.db, spec.table), sample);
      const ids = listed.records.map(spec.idOf);
      const read = readOfFetched(ids, await spec.fetch(env.zoho, ids));
      for (const error of listed.invalid) read.unstorable.push({ zoho_id: error.recordId ?? '(no id)', reason: reasonOf(error) });
      return read;
    },
    async byIds(env, ids) {
      return readOfFetched(ids, await spec.fetch(env.zoho, ids));
    },
    async check(env, records) {
      const checks = new Map<string, RecordCheck>();
      const ids = records.map(spec.idOf);
      const stored = await readStoredRows(env.db, spec.table, spec.key, Object.keys(spec.columns), ids);
      const lines = await readStoredChildren(env.db, spec.linesTable, spec.key, 'zoho_line_item_id', Object.keys(LINE_COLUMNS), ids);
      for (const record of records) {
        const id = spec.idOf(record);
        let prepared: PreparedDocument;
        try {
          prepared = spec.prepare(record, env.ctx);
        } catch (error) {
          checks.set(id, { kind: 'unstorable', reason: reasonOf(error) });
          continue;
        }
        const row = stored.get(id);
        if (!row || row.deleted_at !== null) {
          checks.set(id, { kind: 'missing' });
          continue;
        }
        const expectedLines = new Map(prepared.lines.map((line) => [line.zoho_line_item_id, { ...line } as Record<string, unknown>]));
        const columns = [...diffColumns(spec.columns, row, prepared.header), ...diffRowSets('lines', LINE_COLUMNS, lines.get(id) ?? new Map(), expectedLines)];
        checks.set(id, columns.length === 0 ? { kind: 'match' } : { kind: 'drift', columns });
      }
      return checks;
    },
  };
}

export const invoicesVerifier = documentVerifier<ZohoInvoice>({
  entity: 'invoices',
  table: 'invoices',
  key: 'zoho_invoice_id',
  linesTable: 'invoice_lines',
  columns: INVOICE_COLUMNS,
  idOf: (r) => r.invoice_id,
  list: (zoho) => zoho.books.invoices,
  fetch: (zoho, ids) => entityFetchers.invoices(zoho, ids),
  prepare: prepareInvoice,
});

export const billsVerifier = documentVerifier<ZohoBill>({
  entity: 'bills',
  table: 'bills',
  key: 'zoho_bill_id',
  linesTable: 'bill_lines',
  columns: BILL_COLUMNS,
  idOf: (r) => r.bill_id,
  list: (zoho) => zoho.books.bills,
  fetch: (zoho, ids) => entityFetchers.bills(zoho, ids),
  prepare: prepareBill,
});
