import { generateCustomer, generateVendor } from './generate/contacts';
import { type DocumentContext, generateBill, generateInvoice, recomputeTotals } from './generate/documents';
import { generateCatalogue, type SandboxCatalogue, type SandboxCatalogueOptions } from './generate/catalogue';
import { generateItem, type SandboxCategory } from './generate/items';
import type { IdGenerator } from './ids';
import { applyRandomMutations, type SandboxMutateOptions } from './mutate';
import type { SeededRandom } from './random';
import { SandboxTable } from './table';
import { wholeSeconds } from './time';
import type {
  SandboxMinorEntity,
  SandboxBill,
  SandboxChange,
  SandboxContact,
  SandboxEntity,
  SandboxInvoice,
  SandboxItem,
  SandboxLocation,
  SandboxMinorRecord,
  SandboxOrganization,
  SandboxPricebook,
} from './types';

export type SandboxItemPatch = Partial<Omit<SandboxItem, 'item_id' | 'created_time'>>;
export type SandboxContactPatch = Partial<Omit<SandboxContact, 'contact_id' | 'created_time'>>;
export type SandboxInvoicePatch = Partial<Omit<SandboxInvoice, 'invoice_id' | 'created_time'>>;
export type SandboxBillPatch = Partial<Omit<SandboxBill, 'bill_id' | 'created_time'>>;
/** `rates`: item_id → new pricebook rate, or null to take the item out of the book. */
export type SandboxPricebookPatch = Partial<Omit<SandboxPricebook, 'pricebook_id' | 'rates'>> & { rates?: Record<string, string | null> };

export interface SandboxPatchByEntity {
  item: SandboxItemPatch;
  contact: SandboxContactPatch;
  invoice: SandboxInvoicePatch;
  bill: SandboxBillPatch;
  pricebook: SandboxPricebookPatch;
}

export interface SandboxRecordByEntity {
  item: SandboxItem;
  contact: SandboxContact;
  invoice: SandboxInvoice;
  bill: SandboxBill;
  pricebook: SandboxPricebook;
}

/** A plain, JSON-serialisable copy of the truth for comparing with the ERP tables. */
export interface SandboxSnapshot {
  organization: SandboxOrganization;
  locations: SandboxLocation[];
  categories: SandboxCategory[];
  items: SandboxItem[];
  customers: SandboxContact[];
  vendors: SandboxContact[];
  invoices: SandboxInvoice[];
  bills: SandboxBill[];
  pricebooks: (Omit<SandboxPricebook, 'rates'> & { pricebook_items: { item_id: string; pricebook_rate: string }[] })[];
  deleted: Record<SandboxEntity, string[]>;
}

export type SandboxChangeListener = (change: SandboxChange) => void;

const clone = <T>(value: T): T => structuredClone(value);

export class SandboxStore {
  readonly organization: SandboxOrganization;
  readonly locations: readonly SandboxLocation[];
  readonly categories: readonly SandboxCategory[];
  readonly items: SandboxTable<SandboxItem>;
  readonly contacts: SandboxTable<SandboxContact>;
  readonly invoices: SandboxTable<SandboxInvoice>;
  readonly bills: SandboxTable<SandboxBill>;
  readonly pricebooks: SandboxTable<SandboxPricebook>;
  readonly minor: Record<SandboxMinorEntity, SandboxTable<SandboxMinorRecord>>;
  readonly taxId: string;
  readonly historyEnd: number;
  /** The mutation stream: same seed and same calls → same changes. */
  readonly random: SeededRandom;
  readonly ids: IdGenerator;
  private readonly listeners = new Set<SandboxChangeListener>();
  private readonly sequences: { item: number; customer: number; vendor: number; invoice: number; bill: number };

  constructor(
    catalogue: SandboxCatalogue,
    readonly now: () => number,
  ) {
    this.organization = catalogue.organization;
    this.locations = catalogue.locations;
    this.categories = catalogue.categories;
    this.items = new SandboxTable((r) => r.item_id, catalogue.items);
    this.contacts = new SandboxTable((r) => r.contact_id, [...catalogue.customers, ...catalogue.vendors]);
    this.invoices = new SandboxTable((r) => r.invoice_id, catalogue.invoices);
    this.bills = new SandboxTable((r) => r.bill_id, catalogue.bills);
    this.pricebooks = new SandboxTable((r) => r.pricebook_id, catalogue.pricebooks);
    const minorTable = (records: SandboxMinorRecord[]) => new SandboxTable((r: SandboxMinorRecord) => r.id, records);
    this.minor = {
      salesorder: minorTable(catalogue.minor.salesorder),
      purchaseorder: minorTable(catalogue.minor.purchaseorder),
      creditnote: minorTable(catalogue.minor.creditnote),
      customerpayment: minorTable(catalogue.minor.customerpayment),
      inventoryadjustment: minorTable(catalogue.minor.inventoryadjustment),
      transferorder: minorTable(catalogue.minor.transferorder),
      compositeitem: minorTable(catalogue.minor.compositeitem),
    };
    this.taxId = catalogue.taxId;
    this.historyEnd = catalogue.historyEnd;
    this.random = catalogue.random;
    this.ids = catalogue.ids;
    this.sequences = {
      item: catalogue.items.length,
      customer: catalogue.customers.length,
      vendor: catalogue.vendors.length,
      invoice: catalogue.invoices.length,
      bill: catalogue.bills.length,
    };
  }

  // ---- reading ----------------------------------------------------------

  table<E extends SandboxEntity>(entity: E): SandboxTable<SandboxRecordByEntity[E]> {
    const tables = { item: this.items, contact: this.contacts, invoice: this.invoices, bill: this.bills, pricebook: this.pricebooks };
    return tables[entity] as unknown as SandboxTable<SandboxRecordByEntity[E]>;
  }

  get<E extends SandboxEntity>(entity: E, id: string): SandboxRecordByEntity[E] | undefined {
    return this.table(entity).get(id);
  }

  /** The last state of a deleted record (what a DELETE webhook carries). */
  getDeleted<E extends SandboxEntity>(entity: E, id: string): SandboxRecordByEntity[E] | undefined {
    return this.table(entity).deleted(id);
  }

  count(entity: SandboxEntity): number {
    return this.table(entity).size;
  }

  idsOf(entity: SandboxEntity): string[] {
    return this.table(entity).list().map((r) => this.table(entity).idOf(r));
  }

  customers(): SandboxContact[] {
    return this.contacts.list().filter((c) => c.contact_type === 'customer');
  }

  vendors(): SandboxContact[] {
    return this.contacts.list().filter((c) => c.contact_type === 'vendor');
  }

  location(id: string): SandboxLocation | undefined {
    return this.locations.find((l) => l.location_id === id);
  }

  snapshot(): SandboxSnapshot {
    const liveItem = (id: string) => this.items.has(id);
    return {
      organization: clone(this.organization),
      locations: clone([...this.locations]),
      categories: clone([...this.categories]),
      items: clone([...this.items.list()]),
      customers: clone(this.customers()),
      vendors: clone(this.vendors()),
      invoices: clone([...this.invoices.list()]),
      bills: clone([...this.bills.list()]),
      pricebooks: this.pricebooks.list().map(({ rates, ...book }) => ({
        ...clone(book),
        pricebook_items: [...rates].filter(([id]) => liveItem(id)).map(([item_id, pricebook_rate]) => ({ item_id, pricebook_rate })),
      })),
      deleted: {
        item: this.items.deletedIds(),
        contact: this.contacts.deletedIds(),
        invoice: this.invoices.deletedIds(),
        bill: this.bills.deletedIds(),
        pricebook: this.pricebooks.deletedIds(),
      },
    };
  }

  // ---- change notification -------------------------------------------------

  onChange(listener: SandboxChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: SandboxChange): SandboxChange {
    for (const listener of this.listeners) listener(change);
    return change;
  }

  /** A new last_modified_time: now, but always later than the record's previous one. */
  nextModifiedTime(previous: number): number {
    return Math.max(wholeSeconds(this.now()), previous + 1000);
  }

  /** Records an in-place change to a record (already applied by the caller). */
  touched(entity: SandboxEntity, id: string, detail: string): SandboxChange {
    const record = this.get(entity, id);
    if (record && 'last_modified_time' in record) record.last_modified_time = this.nextModifiedTime(record.last_modified_time);
    this.table(entity).touch();
    return this.emit({ entity, id, kind: 'update', detail });
  }

  // ---- writing ------------------------------------------------------------------

  private documentContext(): DocumentContext {
    return {
      random: this.random,
      ids: this.ids,
      items: this.items.list(),
      locations: this.locations,
      historyStart: this.historyEnd,
      historyEnd: this.historyEnd,
    };
  }

  private stamp<T extends { created_time: number; last_modified_time: number }>(record: T): T {
    const at = wholeSeconds(this.now());
    record.created_time = at;
    record.last_modified_time = at;
    return record;
  }

  createItem(overrides: SandboxItemPatch = {}): SandboxItem {
    this.sequences.item++;
    const item = generateItem({
      random: this.random,
      ids: this.ids,
      categories: [...this.categories],
      locations: [...this.locations],
      historyStart: this.historyEnd,
      historyEnd: this.historyEnd,
      sequence: this.sequences.item,
    });
    Object.assign(item, overrides);
    this.items.insert(this.stamp(item));
    this.emit({ entity: 'item', id: item.item_id, kind: 'create', detail: 'created' });
    return item;
  }

  createContact(type: 'customer' | 'vendor' = 'customer', overrides: SandboxContactPatch = {}): SandboxContact {
    const ctx = { random: this.random, ids: this.ids, historyStart: this.historyEnd, historyEnd: this.historyEnd, sequence: 0 };
    ctx.sequence = type === 'customer' ? this.sequences.customer++ : this.sequences.vendor++;
    const contact = type === 'customer' ? generateCustomer(ctx) : generateVendor(ctx);
    Object.assign(contact, overrides);
    this.contacts.insert(this.stamp(contact));
    this.emit({ entity: 'contact', id: contact.contact_id, kind: 'create', detail: 'created' });
    return contact;
  }

  createInvoice(overrides: SandboxInvoicePatch = {}): SandboxInvoice {
    const customers = this.customers();
    const customer = (overrides.customer_id && this.contacts.get(overrides.customer_id)) || (customers.length > 0 ? this.random.pick(customers) : this.createContact('customer'));
    const invoice = generateInvoice(this.documentContext(), customer, ++this.sequences.invoice, { taxId: this.taxId });
    Object.assign(invoice, overrides);
    if (overrides.line_items || overrides.status) recomputeTotals(invoice);
    this.invoices.insert(this.stamp(invoice));
    this.emit({ entity: 'invoice', id: invoice.invoice_id, kind: 'create', detail: 'created' });
    return invoice;
  }

  createBill(overrides: SandboxBillPatch = {}): SandboxBill {
    const vendors = this.vendors();
    const vendor = (overrides.vendor_id && this.contacts.get(overrides.vendor_id)) || (vendors.length > 0 ? this.random.pick(vendors) : this.createContact('vendor'));
    const bill = generateBill(this.documentContext(), vendor, ++this.sequences.bill, { taxId: this.taxId });
    Object.assign(bill, overrides);
    if (overrides.line_items || overrides.status) recomputeTotals(bill);
    this.bills.insert(this.stamp(bill));
    this.emit({ entity: 'bill', id: bill.bill_id, kind: 'create', detail: 'created' });
    return bill;
  }

  /** Applies a patch, bumps last_modified_time (documents get their totals recomputed). */
  update<E extends SandboxEntity>(entity: E, id: string, patch: SandboxPatchByEntity[E]): SandboxRecordByEntity[E] {
    const record = this.get(entity, id);
    if (!record) throw new Error(`sandbox: no ${entity} with id ${id}`);
    if (entity === 'pricebook') {
      const { rates, ...rest } = patch as SandboxPricebookPatch;
      const book = record as SandboxPricebook;
      Object.assign(book, rest);
      for (const [itemId, rate] of Object.entries(rates ?? {})) {
        if (rate === null) book.rates.delete(itemId);
        else book.rates.set(itemId, rate);
      }
    } else {
      Object.assign(record, patch);
      if (entity === 'invoice' || entity === 'bill') recomputeTotals(record as SandboxInvoice | SandboxBill);
    }
    this.touched(entity, id, Object.keys(patch).join(','));
    return record;
  }

  /** Deletes a record: it disappears from lists and details (404, code 1002). */
  delete(entity: SandboxEntity, id: string): boolean {
    const removed = this.table(entity).remove(id, this.now());
    if (!removed) return false;
    this.emit({ entity, id, kind: 'delete', detail: 'deleted' });
    return true;
  }

  /** Changes `count` random records (prices, stock, names, invoice lines…), deterministic by seed. */
  mutate(options: SandboxMutateOptions = {}): SandboxChange[] {
    return applyRandomMutations(this, options);
  }
}

export function createSandboxStore(options: SandboxCatalogueOptions & { now?: () => number } = {}): SandboxStore {
  const now = options.now ?? Date.now;
  return new SandboxStore(generateCatalogue(options, now()), now);
}
