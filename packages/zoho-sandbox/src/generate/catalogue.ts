import { IdGenerator } from '../ids';
import { createRandom, type SandboxSeed, type SeededRandom } from '../random';
import type {
  SandboxMinorEntity,
  SandboxBill,
  SandboxContact,
  SandboxInvoice,
  SandboxItem,
  SandboxLocation,
  SandboxMinorRecord,
  SandboxOrganization,
  SandboxPricebook,
} from '../types';
import { generateCustomer, generateVendor } from './contacts';
import { type DocumentContext, generateBill, generateInvoice } from './documents';
import { generateCategories, generateItem, type SandboxCategory } from './items';
import { generateLocations } from './locations';
import { generateMinorRecords } from './minor';
import { generatePricebooks } from './pricebooks';
import { HOSTILE_CONTACT_NAMES, HOSTILE_ITEM_NAMES } from './hostile';
import { widenSomePrices } from './wide-prices';

export interface SandboxCatalogueOptions {
  /** Same seed → same catalogue, same mutations, same faults. */
  seed?: SandboxSeed;
  organizationId?: string;
  items?: number;
  customers?: number;
  vendors?: number;
  invoices?: number;
  bills?: number;
  locations?: number;
  /** Price books: Consumer, Wholesale, a fixed-percentage one, then USD and dealer books. */
  pricebooks?: number;
  salesOrders?: number;
  purchaseOrders?: number;
  creditNotes?: number;
  customerPayments?: number;
  inventoryAdjustments?: number;
  transferOrders?: number;
  compositeItems?: number;
  /**
   * The generated history ends here (records were created and modified before it).
   * Default: 2025-06-01T09:00:00+0300, or one day before `now` if that is earlier,
   * so the catalogue is identical run after run and later mutations are newer.
   */
  generatedAt?: number | Date;
}

export const SANDBOX_DEFAULTS = {
  items: 500,
  customers: 150,
  vendors: 25,
  invoices: 300,
  bills: 100,
  locations: 3,
  pricebooks: 3,
  minor: 5,
} as const;

const DEFAULT_HISTORY_END = Date.parse('2025-06-01T06:00:00Z');
const HISTORY_SPAN_MS = 2 * 365 * 86_400_000;

export interface SandboxCatalogue {
  organization: SandboxOrganization;
  locations: SandboxLocation[];
  categories: SandboxCategory[];
  items: SandboxItem[];
  customers: SandboxContact[];
  vendors: SandboxContact[];
  invoices: SandboxInvoice[];
  bills: SandboxBill[];
  pricebooks: SandboxPricebook[];
  minor: Record<SandboxMinorEntity, SandboxMinorRecord[]>;
  /** Tax id used on taxed lines. */
  taxId: string;
  historyStart: number;
  historyEnd: number;
  random: SeededRandom;
  ids: IdGenerator;
}

function hostilePositions(random: SeededRandom, count: number, wanted: number): number[] {
  const pool = Array.from({ length: Math.min(count, 60) }, (_, i) => i);
  return random.shuffle(pool).slice(0, wanted);
}

export function generateCatalogue(options: SandboxCatalogueOptions, now: number): SandboxCatalogue {
  const root = createRandom(options.seed);
  const ids = new IdGenerator(root.fork('ids'));
  const random = root.fork('catalogue');
  const requested = options.generatedAt instanceof Date ? options.generatedAt.getTime() : options.generatedAt;
  const historyEnd = Math.floor((requested ?? Math.min(DEFAULT_HISTORY_END, now - 86_400_000)) / 1000) * 1000;
  const historyStart = historyEnd - HISTORY_SPAN_MS;
  const organizationId = options.organizationId ?? `80${root.fork('org').digits(8)}`;

  const locations = generateLocations(options.locations ?? SANDBOX_DEFAULTS.locations, ids);
  const categories = generateCategories(ids);
  const taxId = ids.next();

  const itemCount = options.items ?? SANDBOX_DEFAULTS.items;
  const hostileItems = new Map(hostilePositions(random, itemCount, HOSTILE_ITEM_NAMES.length + 1).map((pos, i) => [pos, i]));
  const items: SandboxItem[] = [];
  const itemContext = { random, ids, categories, locations, historyStart, historyEnd, sequence: 0 };
  for (let i = 0; i < itemCount; i++) {
    itemContext.sequence = i + 1;
    items.push(generateItem(itemContext, hostileItems.get(i)));
  }

  const customerCount = options.customers ?? SANDBOX_DEFAULTS.customers;
  const hostileCustomers = new Map(hostilePositions(random, customerCount, HOSTILE_CONTACT_NAMES.length).map((pos, i) => [pos, i]));
  const contactContext = { random, ids, historyStart, historyEnd, sequence: 0 };
  const customers: SandboxContact[] = [];
  for (let i = 0; i < customerCount; i++) {
    contactContext.sequence = i;
    customers.push(generateCustomer(contactContext, hostileCustomers.get(i)));
  }
  const vendors: SandboxContact[] = [];
  for (let i = 0; i < (options.vendors ?? SANDBOX_DEFAULTS.vendors); i++) {
    contactContext.sequence = i;
    vendors.push(generateVendor(contactContext));
  }

  const documents: DocumentContext = { random, ids, items, locations, historyStart, historyEnd };
  const invoices: SandboxInvoice[] = [];
  const iqdCustomers = customers.filter((c) => c.currency_code === 'IQD');
  if (customers.length > 0) {
    for (let i = 0; i < (options.invoices ?? SANDBOX_DEFAULTS.invoices); i++) {
      const large = i === 0 && iqdCustomers.length > 0;
      const customer = large ? random.pick(iqdCustomers) : random.pick(customers);
      invoices.push(generateInvoice(documents, customer, i + 1, { large, taxId }));
    }
  }
  const bills: SandboxBill[] = [];
  if (vendors.length > 0) {
    for (let i = 0; i < (options.bills ?? SANDBOX_DEFAULTS.bills); i++) {
      bills.push(generateBill(documents, random.pick(vendors), i + 1, { taxId }));
    }
  }

  const pricebooks = generatePricebooks(Math.max(2, options.pricebooks ?? SANDBOX_DEFAULTS.pricebooks), random.fork('pricebooks'), ids, items);

  const minorCount = (n: number | undefined) => n ?? SANDBOX_DEFAULTS.minor;
  const minorRandom = random.fork('minor');
  const minorContext: DocumentContext = { ...documents, random: minorRandom };
  const minor: Record<SandboxMinorEntity, SandboxMinorRecord[]> = {
    salesorder: generateMinorRecords('salesorder', minorCount(options.salesOrders), minorContext, customers),
    purchaseorder: generateMinorRecords('purchaseorder', minorCount(options.purchaseOrders), minorContext, vendors),
    creditnote: generateMinorRecords('creditnote', minorCount(options.creditNotes), minorContext, customers),
    customerpayment: generateMinorRecords('customerpayment', minorCount(options.customerPayments), minorContext, customers),
    inventoryadjustment: generateMinorRecords('inventoryadjustment', minorCount(options.inventoryAdjustments), minorContext, []),
    transferorder: generateMinorRecords('transferorder', minorCount(options.transferOrders), minorContext, []),
    compositeitem: generateMinorRecords('compositeitem', minorCount(options.compositeItems), minorContext, []),
  };

  // After documents and price books, so only these items' own prices change.
  widenSomePrices(items, root.fork('wide-prices'));

  return {
    organization: {
      organization_id: organizationId,
      name: 'TSH Trading (Sandbox)',
      currency_code: 'IQD',
      time_zone: 'Asia/Baghdad',
      created_time: historyStart,
    },
    locations,
    categories,
    items,
    customers,
    vendors,
    invoices,
    bills,
    pricebooks,
    minor,
    taxId,
    historyStart,
    historyEnd,
    random: root.fork('mutations'),
    ids,
  };
}
