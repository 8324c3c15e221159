import { renderBill, renderBillRow, renderInvoice, renderInvoiceRow } from '../render/documents';
import { renderContact, renderContactRow } from '../render/contacts';
import type { SandboxSettings } from '../options';
import { renderItem, renderItemRow } from '../render/items';
import { MINOR_SHAPES, renderMinor, renderMinorRow } from '../render/minor';
import { renderCategory, renderLocation, renderOrganization, renderPricebook, renderPricebookRow, renderWarehouse } from '../render/settings';
import type { SandboxStore } from '../store';
import type { SandboxMinorEntity, SandboxBill, SandboxContact, SandboxInvoice, SandboxItem, SandboxMinorRecord, SandboxPricebook } from '../types';
import { type ListCache, type ListSpec, selectPage } from './list';
import { parseListQuery } from './list-query';
import { invalidValue, jsonResponse, notFound, SandboxHttpError, type SandboxResponse } from './respond';

export type SandboxApi = 'books' | 'inventory';

export interface RouteContext {
  store: SandboxStore;
  settings: SandboxSettings;
  cache: ListCache;
  /** Replaces a rendered record by an invalid one when the invalid-record fault fires. */
  maybeCorrupt: (record: Record<string, unknown>, idKey: string) => Record<string, unknown>;
}

const ok = (body: Record<string, unknown>) => jsonResponse(200, { code: 0, message: 'success', ...body });

const statusFilters = <T extends { status: string }>(extra: Record<string, (r: T) => boolean> = {}) => ({
  'Status.All': () => true,
  'Status.Active': (r: T) => r.status === 'active',
  'Status.Inactive': (r: T) => r.status === 'inactive',
  ...extra,
});

const byStatus = <T extends { status: string }>(pairs: Record<string, string>) =>
  Object.fromEntries(Object.entries(pairs).map(([filter, status]) => [filter, (r: T) => r.status === status]));

const docSorts = <T extends { date: string; due_date: string; total: string; balance: string; created_time: number; last_modified_time: number }>() => ({
  date: (r: T) => r.date,
  due_date: (r: T) => r.due_date,
  total: (r: T) => Number(r.total),
  balance: (r: T) => Number(r.balance),
  created_time: (r: T) => r.created_time,
  last_modified_time: (r: T) => r.last_modified_time,
});

type AnySpec = ListSpec<any>;

function listResponse(ctx: RouteContext, spec: AnySpec, params: URLSearchParams, idKey: string): SandboxResponse {
  const { rows, pageContext } = selectPage(spec, parseListQuery(params), ctx.cache);
  return ok({ [spec.key]: rows.map((r) => ctx.maybeCorrupt(spec.render(r), idKey)), page_context: pageContext });
}

function itemSpec(ctx: RouteContext, api: SandboxApi): ListSpec<SandboxItem> {
  return {
    name: `${api}:items`,
    key: 'items',
    reportName: 'Items',
    records: () => ctx.store.items.list(),
    version: () => ctx.store.items.version,
    idOf: (r) => r.item_id,
    sortColumns: {
      name: (r) => r.name,
      sku: (r) => r.sku,
      rate: (r) => Number(r.rate),
      purchase_rate: (r) => Number(r.purchase_rate ?? 0),
      created_time: (r) => r.created_time,
      last_modified_time: (r) => r.last_modified_time,
    },
    defaultSort: { column: 'name', order: 'A' },
    modifiedTime: (r) => r.last_modified_time,
    filters: statusFilters<SandboxItem>(),
    // Books lists active items only unless filter_by=Status.All; Inventory lists all.
    defaultFilter: api === 'books' ? 'Status.Active' : 'Status.All',
    render: (r) => renderItemRow(ctx.store, r, ctx.settings),
  };
}

function contactSpec(ctx: RouteContext, api: SandboxApi, params: URLSearchParams): ListSpec<SandboxContact> {
  const type = params.get('contact_type');
  if (type && type !== 'customer' && type !== 'vendor') throw invalidValue('contact_type');
  return {
    name: `${api}:contacts`,
    key: 'contacts',
    reportName: 'Contacts',
    records: () => ctx.store.contacts.list(),
    version: () => ctx.store.contacts.version,
    idOf: (r) => r.contact_id,
    sortColumns: {
      contact_name: (r) => r.contact_name,
      company_name: (r) => r.company_name,
      first_name: (r) => r.first_name,
      outstanding_receivable_amount: (r) => Number(r.outstanding_receivable_amount),
      created_time: (r) => r.created_time,
      last_modified_time: (r) => r.last_modified_time,
    },
    defaultSort: { column: 'contact_name', order: 'A' },
    modifiedTime: (r) => r.last_modified_time,
    filters: statusFilters<SandboxContact>({
      'Status.Customers': (r) => r.contact_type === 'customer',
      'Status.Vendors': (r) => r.contact_type === 'vendor',
    }),
    defaultFilter: api === 'books' && ctx.settings.booksContactsActiveOnly ? 'Status.Active' : 'Status.All',
    extra: type ? { key: type, test: (r) => r.contact_type === type } : undefined,
    render: renderContactRow,
  };
}

function invoiceSpec(ctx: RouteContext, api: SandboxApi): ListSpec<SandboxInvoice> {
  const sorts: Record<string, (r: SandboxInvoice) => string | number> = {
    ...docSorts<SandboxInvoice>(),
    invoice_number: (r) => r.invoice_number,
    customer_name: (r) => r.customer_name,
  };
  // Books refuses sort_column=last_modified_time on invoices (docs/zoho-behaviour.md, "Lists and incremental sync").
  if (api === 'books') delete sorts.last_modified_time;
  return {
    name: `${api}:invoices`,
    key: 'invoices',
    reportName: 'Invoices',
    records: () => ctx.store.invoices.list(),
    version: () => ctx.store.invoices.version,
    idOf: (r) => r.invoice_id,
    sortColumns: sorts,
    defaultSort: { column: 'created_time', order: 'D' },
    modifiedTime: (r) => r.last_modified_time,
    filters: {
      'Status.All': () => true,
      ...byStatus<SandboxInvoice>({
        'Status.Sent': 'sent',
        'Status.Draft': 'draft',
        'Status.OverDue': 'overdue',
        'Status.Paid': 'paid',
        'Status.Void': 'void',
        'Status.Unpaid': 'unpaid',
        'Status.PartiallyPaid': 'partially_paid',
        'Status.Viewed': 'viewed',
      }),
    },
    defaultFilter: 'Status.All',
    render: renderInvoiceRow,
  };
}

function billSpec(ctx: RouteContext, api: SandboxApi): ListSpec<SandboxBill> {
  return {
    name: `${api}:bills`,
    key: 'bills',
    reportName: 'Bills',
    records: () => ctx.store.bills.list(),
    version: () => ctx.store.bills.version,
    idOf: (r) => r.bill_id,
    sortColumns: { ...docSorts<SandboxBill>(), bill_number: (r) => r.bill_number, vendor_name: (r) => r.vendor_name },
    defaultSort: { column: 'created_time', order: 'D' },
    modifiedTime: (r) => r.last_modified_time,
    filters: {
      'Status.All': () => true,
      ...byStatus<SandboxBill>({
        'Status.Open': 'open',
        'Status.Draft': 'draft',
        'Status.Overdue': 'overdue',
        'Status.Paid': 'paid',
        'Status.Void': 'void',
        'Status.PartiallyPaid': 'partially_paid',
      }),
    },
    defaultFilter: 'Status.All',
    render: renderBillRow,
  };
}

function pricebookSpec(ctx: RouteContext, api: SandboxApi): ListSpec<SandboxPricebook> {
  return {
    name: `${api}:pricebooks`,
    key: 'pricebooks',
    reportName: 'Price Lists',
    records: () => ctx.store.pricebooks.list(),
    version: () => ctx.store.pricebooks.version,
    idOf: (r) => r.pricebook_id,
    sortColumns: { name: (r) => r.name },
    defaultSort: { column: 'name', order: 'A' },
    // No modification time: last_modified_time is ignored and every book is listed.
    filters: statusFilters<SandboxPricebook>(),
    defaultFilter: 'Status.All',
    render: renderPricebookRow,
  };
}

function minorSpec(ctx: RouteContext, api: SandboxApi, entity: SandboxMinorEntity): ListSpec<SandboxMinorRecord> {
  const table = ctx.store.minor[entity];
  return {
    name: `${api}:${entity}`,
    key: MINOR_SHAPES[entity].listKey,
    reportName: MINOR_SHAPES[entity].listKey,
    records: () => table.list(),
    version: () => table.version,
    idOf: (r) => r.id,
    sortColumns: { date: (r) => r.date, created_time: (r) => r.created_time, last_modified_time: (r) => r.last_modified_time },
    defaultSort: { column: 'created_time', order: 'D' },
    modifiedTime: (r) => r.last_modified_time,
    filters: { 'Status.All': () => true },
    defaultFilter: 'Status.All',
    render: (r) => renderMinorRow(entity, r),
  };
}

const MINOR_BY_PATH = new Map<string, SandboxMinorEntity>(
  (Object.keys(MINOR_SHAPES) as SandboxMinorEntity[]).map((entity) => [MINOR_SHAPES[entity].path, entity]),
);

function itemDetails(ctx: RouteContext, params: URLSearchParams): SandboxResponse {
  const raw = params.get('item_ids') ?? '';
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0 || ids.length > 100) throw invalidValue('item_ids');
  if (ctx.settings.itemDetailsUnknownIds === 'not-found' && ids.some((id) => ctx.store.items.get(id) === undefined)) throw notFound('Item');
  const items = ids
    .map((id) => ctx.store.items.get(id))
    .filter((item): item is SandboxItem => item !== undefined)
    .map((item) => ctx.maybeCorrupt(renderItem(ctx.store, item, ctx.settings), 'item_id'));
  return ok({ items });
}

function detail<T>(ctx: RouteContext, record: T | undefined, what: string, key: string, idKey: string, render: (r: T) => Record<string, unknown>): SandboxResponse {
  if (record === undefined) throw notFound(what);
  return ok({ [key]: ctx.maybeCorrupt(render(record), idKey) });
}

/** Whether a path needs no organization_id (GET /organizations). */
export const isOrganizationsPath = (segments: readonly string[]) => segments[0] === 'organizations';

/** Dispatches a GET under /books/v3 or /inventory/v1; segments are the path after the API prefix. */
export function routeApi(ctx: RouteContext, api: SandboxApi, segments: readonly string[], params: URLSearchParams): SandboxResponse {
  const { store } = ctx;
  const [resource, id, ...rest] = segments;
  if (rest.length > 0 || resource === undefined) throw new SandboxHttpError(404, 5, 'Invalid URL Passed');
  switch (resource) {
    case 'organizations':
      if (id) return detail(ctx, id === store.organization.organization_id ? store.organization : undefined, 'Organization', 'organization', 'organization_id', renderOrganization);
      return ok({ organizations: [renderOrganization(store.organization)] });
    case 'items':
      if (id) return detail(ctx, store.items.get(id), 'Item', 'item', 'item_id', (r) => renderItem(store, r, ctx.settings));
      return listResponse(ctx, itemSpec(ctx, api), params, 'item_id');
    case 'itemdetails':
      if (api !== 'inventory' || id) break;
      return itemDetails(ctx, params);
    case 'contacts':
      if (id) return detail(ctx, store.contacts.get(id), 'Contact', 'contact', 'contact_id', renderContact);
      return listResponse(ctx, contactSpec(ctx, api, params), params, 'contact_id');
    case 'invoices':
      if (id) return detail(ctx, store.invoices.get(id), 'Invoice', 'invoice', 'invoice_id', renderInvoice);
      return listResponse(ctx, invoiceSpec(ctx, api), params, 'invoice_id');
    case 'bills':
      if (id) return detail(ctx, store.bills.get(id), 'Bill', 'bill', 'bill_id', renderBill);
      return listResponse(ctx, billSpec(ctx, api), params, 'bill_id');
    case 'pricebooks':
      if (id) return detail(ctx, store.pricebooks.get(id), 'Price list', 'pricebook', 'pricebook_id', (r) => renderPricebook(store, r));
      return listResponse(ctx, pricebookSpec(ctx, api), params, 'pricebook_id');
    case 'locations':
      if (id) return detail(ctx, store.location(id), 'Location', 'location', 'location_id', renderLocation);
      return ok({ locations: store.locations.map(renderLocation) });
    case 'categories':
      if (id) break;
      return ok({ categories: store.categories.map(renderCategory) });
    case 'settings':
      if (id === 'warehouses') return ok({ warehouses: store.locations.map(renderWarehouse) });
      if (id === 'locations') return ok({ locations: store.locations.map(renderLocation) });
      break;
    default: {
      const entity = MINOR_BY_PATH.get(resource);
      // Composite items are an Inventory feature.
      if (!entity || (entity === 'compositeitem' && api === 'books')) break;
      const shape = MINOR_SHAPES[entity];
      if (id) return detail(ctx, store.minor[entity].get(id), 'Record', shape.detailKey, shape.idKey, (r) => renderMinor(entity, r));
      return listResponse(ctx, minorSpec(ctx, api, entity), params, shape.idKey);
    }
  }
  throw new SandboxHttpError(404, 5, 'Invalid URL Passed');
}

/** The route name for statistics: ids replaced by `{id}`. */
export function routeName(pathname: string): string {
  return pathname.replace(/\/\d{6,}(?=\/|$)/g, '/{id}');
}
