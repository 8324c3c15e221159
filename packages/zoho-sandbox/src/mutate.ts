import { generateLine, recomputeTotals } from './generate/documents';
import { generateStock, productTypeOf } from './generate/items';
import { pricebookRange, pricebookRate } from './generate/pricebooks';
import { COLORS } from './generate/vocabulary';
import { dec, money, roundToStep } from './money';
import type { SandboxStore } from './store';
import type { SandboxBill, SandboxChange, SandboxEntity, SandboxInvoice } from './types';

export interface SandboxMutateOptions {
  /** How many changes (default 10). */
  count?: number;
  /** Restrict to these entities (default: items 50 %, contacts 15 %, invoices 20 %, bills 10 %, price books 5 %). */
  entities?: SandboxEntity[];
  /** Share of changes that create a new record instead (default 0). */
  createRate?: number;
  /** Share of changes that delete a record instead (default 0). */
  deleteRate?: number;
}

const WEIGHTS: Record<SandboxEntity, number> = { item: 50, contact: 15, invoice: 20, bill: 10, pricebook: 5 };

function mutateItem(store: SandboxStore): SandboxChange | undefined {
  const { random } = store;
  const items = store.items.list();
  if (items.length === 0) return undefined;
  const item = random.pick(items);
  const kind = random.weighted<string>([['stock', 40], ['rate', 25], ['name', 12], ['name_ar', 6], ['purchase_rate', 10], ['status', 7]]);
  switch (kind) {
    case 'stock': {
      if (item.stock.length === 0) return store.touched('item', item.item_id, 'description');
      const index = random.int(0, item.stock.length - 1);
      const [fresh] = generateStock(random, productTypeOf(item), [store.locations[index] ?? store.locations[0]!]);
      item.stock[index] = { ...fresh!, location_id: item.stock[index]!.location_id };
      return store.touched('item', item.item_id, 'stock');
    }
    case 'rate': {
      const factor = dec(100 + random.pick([-20, -10, -5, 5, 10, 15, 20])).dividedBy(100);
      item.rate = item.price_currency === 'IQD' ? money(roundToStep(dec(item.rate).times(factor), 250).clampedTo(1_500, 2_500_000), 0) : money(dec(item.rate).times(factor).clampedTo('0.5', Infinity), 2);
      return store.touched('item', item.item_id, 'rate');
    }
    case 'purchase_rate': {
      const base = dec(item.rate).times(random.int(55, 90)).dividedBy(100);
      item.purchase_rate = item.price_currency === 'IQD' ? money(roundToStep(base, 250).clampedTo(250, Infinity), 0) : money(base, 2);
      return store.touched('item', item.item_id, 'purchase_rate');
    }
    case 'name': {
      const [colorEn] = random.pick(COLORS);
      const base = item.name.replace(/ (Black|White|Silver|Blue|Red|Grey|Gold)( v\d+)?$/, '');
      item.name = `${base} ${colorEn} v${random.int(2, 9)}`;
      return store.touched('item', item.item_id, 'name');
    }
    case 'name_ar': {
      if (item.name_ar === null || random.chance(0.2)) {
        item.name_ar = item.name_ar === null ? `صنف ${item.sku}` : null;
        item.name_ar_field_present = item.name_ar !== null || random.chance(0.5);
      } else {
        const [, colorAr] = random.pick(COLORS);
        item.name_ar = `${item.name_ar.split(' - ')[0]} - ${colorAr}`;
      }
      return store.touched('item', item.item_id, 'name_ar');
    }
    default: {
      item.status = item.status === 'active' ? 'inactive' : 'active';
      return store.touched('item', item.item_id, 'status');
    }
  }
}

function mutateContact(store: SandboxStore): SandboxChange | undefined {
  const { random } = store;
  const contacts = store.contacts.list();
  if (contacts.length === 0) return undefined;
  const contact = random.pick(contacts);
  const kind = random.weighted<string>([['outstanding', 50], ['phone', 25], ['name', 15], ['status', 10]]);
  if (kind === 'outstanding') {
    const amount = contact.currency_code === 'IQD' ? money(roundToStep(dec(random.logUniform(25_000, 400_000_000)), 250), 0) : money(dec(random.logUniform(50, 80_000)), 2);
    if (contact.contact_type === 'customer') contact.outstanding_receivable_amount = random.chance(0.2) ? '0' : amount;
    else contact.outstanding_payable_amount = random.chance(0.2) ? '0' : amount;
  } else if (kind === 'phone') {
    contact.mobile = `+964 7${random.int(70, 81)} ${random.digits(3)} ${random.digits(4)}`;
  } else if (kind === 'name') {
    const base = contact.contact_name.replace(/ \(\d+\)$/, '');
    contact.contact_name = `${base} (${random.int(2, 99)})`;
    contact.company_name = contact.contact_name;
  } else {
    contact.status = contact.status === 'active' ? 'inactive' : 'active';
  }
  return store.touched('contact', contact.contact_id, kind);
}

function mutateDocument(store: SandboxStore, entity: 'invoice' | 'bill'): SandboxChange | undefined {
  const { random } = store;
  const docs: readonly (SandboxInvoice | SandboxBill)[] = entity === 'invoice' ? store.invoices.list() : store.bills.list();
  if (docs.length === 0) return undefined;
  const doc = random.pick(docs);
  const id = entity === 'invoice' ? (doc as SandboxInvoice).invoice_id : (doc as SandboxBill).bill_id;
  let kind = random.weighted<string>([['line-added', 30], ['line-removed', 25], ['quantity', 30], ['status', 15]]);
  if (kind === 'line-removed' && doc.line_items.length < 2) kind = 'quantity';
  if (kind === 'line-added' && store.items.size === 0) kind = 'quantity';
  if (kind === 'line-added') {
    const taxed = doc.line_items.some((l) => l.tax_id !== '');
    const line = generateLine(
      { random, ids: store.ids, items: store.items.list(), locations: store.locations, historyStart: store.historyEnd, historyEnd: store.historyEnd },
      { currency: doc.currency_code, purchase: entity === 'bill', taxed, taxId: store.taxId },
    );
    doc.line_items.push(line);
  } else if (kind === 'line-removed') {
    doc.line_items.splice(random.int(0, doc.line_items.length - 1), 1);
  } else if (kind === 'quantity') {
    const line = random.pick(doc.line_items);
    line.quantity = String(Math.max(1, Math.round(dec(line.quantity).toNumber() * random.pick([0.5, 1.5, 2, 3])) || 1));
  } else {
    if (doc.status === 'paid' || doc.status === 'void') doc.status = entity === 'invoice' ? 'sent' : 'open';
    else doc.status = 'paid';
    if (doc.status !== 'paid') doc.balance = doc.total;
  }
  // recomputeTotals keeps what was already paid; a status change to unpaid reopened the whole total.
  recomputeTotals(doc);
  return store.touched(entity, id, kind);
}

function mutatePricebook(store: SandboxStore): SandboxChange | undefined {
  const { random } = store;
  const books = store.pricebooks.list().filter((b) => b.pricebook_type === 'per_item');
  const items = store.items.list();
  if (books.length === 0 || items.length === 0) return undefined;
  const book = random.pick(books);
  const item = random.pick(items);
  const [low, high] = pricebookRange(book);
  const rate = book.rates.has(item.item_id) && random.chance(0.15) ? null : pricebookRate(random, book, item, low, high);
  store.update('pricebook', book.pricebook_id, { rates: { [item.item_id]: rate } });
  return { entity: 'pricebook', id: book.pricebook_id, kind: 'update', detail: rate === null ? 'rate-removed' : 'rate' };
}

function createRecord(store: SandboxStore, entity: SandboxEntity): SandboxChange | undefined {
  switch (entity) {
    case 'item':
      return { entity, id: store.createItem().item_id, kind: 'create', detail: 'created' };
    case 'contact':
      return { entity, id: store.createContact(store.random.chance(0.8) ? 'customer' : 'vendor').contact_id, kind: 'create', detail: 'created' };
    case 'invoice':
      return { entity, id: store.createInvoice().invoice_id, kind: 'create', detail: 'created' };
    case 'bill':
      return { entity, id: store.createBill().bill_id, kind: 'create', detail: 'created' };
    default:
      return undefined;
  }
}

function deleteRecord(store: SandboxStore, entity: SandboxEntity): SandboxChange | undefined {
  if (entity === 'pricebook') return undefined;
  const ids = store.idsOf(entity);
  if (ids.length === 0) return undefined;
  const id = store.random.pick(ids);
  store.delete(entity, id);
  return { entity, id, kind: 'delete', detail: 'deleted' };
}

export function applyRandomMutations(store: SandboxStore, options: SandboxMutateOptions): SandboxChange[] {
  const { random } = store;
  const entities = options.entities ?? (Object.keys(WEIGHTS) as SandboxEntity[]);
  const choices = entities.map((e) => [e, WEIGHTS[e]] as const);
  const changes: SandboxChange[] = [];
  const count = options.count ?? 10;
  for (let i = 0; i < count; i++) {
    const entity = random.weighted(choices);
    const roll = random.next();
    let change: SandboxChange | undefined;
    if (roll < (options.createRate ?? 0)) change = createRecord(store, entity);
    else if (roll < (options.createRate ?? 0) + (options.deleteRate ?? 0)) change = deleteRecord(store, entity);
    if (!change) {
      if (entity === 'item') change = mutateItem(store);
      else if (entity === 'contact') change = mutateContact(store);
      else if (entity === 'pricebook') change = mutatePricebook(store);
      else change = mutateDocument(store, entity);
    }
    if (change) changes.push(change);
  }
  return changes;
}
