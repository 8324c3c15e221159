import type { IdGenerator } from '../ids';
import { dec, money, roundToStep, sum } from '../money';
import type { SeededRandom } from '../random';
import { formatZohoDate } from '../time';
import type {
  SandboxBillStatus,
  SandboxInvoiceStatus,
  SandboxBill,
  SandboxContact,
  SandboxInvoice,
  SandboxItem,
  SandboxLineItem,
  SandboxLocation,
} from '../types';
import { pickNumberStyle } from './items';

/** IQD per USD used to price lines of a document whose currency differs from the item's. */
export const USD_EXCHANGE_RATE = '1310';

export interface DocumentContext {
  random: SeededRandom;
  ids: IdGenerator;
  items: readonly SandboxItem[];
  locations: readonly SandboxLocation[];
  historyStart: number;
  historyEnd: number;
}

const TAX = { tax_id: '', tax_name: '', tax_percentage: '0' };

export function priceIn(currency: 'IQD' | 'USD', rate: string, itemCurrency: 'IQD' | 'USD'): string {
  if (currency === itemCurrency) return rate;
  if (currency === 'IQD') return money(roundToStep(dec(rate).times(USD_EXCHANGE_RATE), 250).clampedTo(250, Infinity), 0);
  return money(dec(rate).dividedBy(USD_EXCHANGE_RATE).clampedTo('0.01', Infinity), 2);
}

/** item_total = quantity × rate × (100 − discount%) / 100, rounded half-up to 2 places. */
export function lineTotal(quantity: string, rate: string, discount: string): string {
  return money(dec(quantity).times(rate).times(dec(100).minus(discount)).dividedBy(100), 2);
}

export function lineTax(line: SandboxLineItem): string {
  return money(dec(line.item_total).times(line.tax_percentage).dividedBy(100), 2);
}

export interface LineOptions {
  currency: 'IQD' | 'USD';
  purchase: boolean;
  taxed: boolean;
  taxId: string;
}

export function generateLine(ctx: DocumentContext, opts: LineOptions, forcedItem?: SandboxItem, forcedQuantity?: string): SandboxLineItem {
  const { random } = ctx;
  const location = random.pick(ctx.locations);
  const freeText = !forcedItem && (ctx.items.length === 0 || random.chance(0.01));
  const tax = opts.taxed ? { tax_id: opts.taxId, tax_name: 'Sales Tax', tax_percentage: '5' } : TAX;
  if (freeText) {
    const rate = opts.currency === 'IQD' ? money(dec(random.int(4, 200)).times(250), 0) : money(dec(random.int(200, 9_000)).dividedBy(100), 2);
    return {
      line_item_id: ctx.ids.next(),
      item_id: '',
      name: opts.purchase ? 'Freight and customs clearance' : 'Delivery charge',
      description: 'Not tied to an item',
      sku: '',
      unit: '',
      quantity: '1',
      rate,
      discount: '0',
      ...tax,
      item_total: lineTotal('1', rate, '0'),
      location_id: location.location_id,
      location_name: location.location_name,
    };
  }
  const item = forcedItem ?? random.pick(ctx.items);
  const baseRate = opts.purchase ? (item.purchase_rate ?? money(dec(item.rate).times('0.8'), item.price_currency === 'USD' ? 2 : 0)) : item.rate;
  const rate = priceIn(opts.currency, baseRate, item.price_currency);
  const quantity =
    forcedQuantity ??
    (item.unit === 'm' && random.chance(0.5) ? money(dec(random.int(5, 3000)).dividedBy(10), 1) : String(Math.round(random.logUniform(1, opts.purchase ? 2_000 : 300))));
  const discount = opts.purchase ? '0' : random.weighted<string>([['0', 70], ['2.5', 10], ['5', 12], ['10', 8]]);
  return {
    line_item_id: ctx.ids.next(),
    item_id: item.item_id,
    name: item.name,
    description: item.description.length > 200 ? item.description.slice(0, 200) : item.description,
    sku: item.sku,
    unit: item.unit,
    quantity,
    rate,
    discount,
    ...tax,
    item_total: lineTotal(quantity, rate, discount),
    location_id: location.location_id,
    location_name: location.location_name,
  };
}

/** Recomputes sub_total, tax_total, total exactly; the amount already paid stays paid. */
export function recomputeTotals(doc: SandboxInvoice | SandboxBill): void {
  const paid = dec(doc.total || '0').minus(doc.balance || '0');
  for (const line of doc.line_items) line.item_total = lineTotal(line.quantity, line.rate, line.discount);
  doc.sub_total = money(sum(doc.line_items.map((l) => l.item_total)), 2);
  doc.tax_total = money(sum(doc.line_items.map(lineTax)), 2);
  doc.total = money(dec(doc.sub_total).plus(doc.tax_total), 2);
  if (doc.status === 'paid' || doc.status === 'void') doc.balance = '0';
  else doc.balance = money(dec(doc.total).minus(paid).clampedTo(0, doc.total), 2);
}

function setInitialBalance(doc: SandboxInvoice | SandboxBill, random: SeededRandom): void {
  if (doc.status === 'paid' || doc.status === 'void') doc.balance = '0';
  else if (doc.status === 'partially_paid') doc.balance = money(dec(doc.total).times(random.int(20, 80)).dividedBy(100), 2);
  else doc.balance = doc.total;
}

function documentDates(ctx: DocumentContext, terms: number) {
  const created = ctx.historyStart + Math.floor(ctx.random.next() * (ctx.historyEnd - ctx.historyStart));
  const modified = created + Math.floor(ctx.random.next() * (ctx.historyEnd - created));
  return {
    date: formatZohoDate(created),
    due_date: formatZohoDate(created + terms * 86_400_000),
    created_time: Math.floor(created / 1000) * 1000,
    last_modified_time: Math.floor(modified / 1000) * 1000,
  };
}

/** The goods item with the highest IQD rate, used to build the very large invoice. */
function mostExpensive(items: readonly SandboxItem[]): SandboxItem | undefined {
  let best: SandboxItem | undefined;
  for (const item of items) {
    if (item.price_currency !== 'IQD') continue;
    if (!best || dec(item.rate).greaterThan(best.rate)) best = item;
  }
  return best;
}

export const LARGE_INVOICE_MINIMUM = '1250000000';

export function generateInvoice(ctx: DocumentContext, customer: SandboxContact, sequence: number, opts: { large?: boolean; taxId: string }): SandboxInvoice {
  const { random } = ctx;
  const currency = customer.currency_code;
  const status = random.weighted<SandboxInvoiceStatus>([
    ['paid', 40], ['sent', 12], ['overdue', 12], ['partially_paid', 10], ['draft', 8], ['unpaid', 8], ['viewed', 6], ['void', 4],
  ]);
  const taxed = random.chance(0.1);
  const lineOptions: LineOptions = { currency, purchase: false, taxed, taxId: opts.taxId };
  const lineCount = random.int(1, 8);
  const lines: SandboxLineItem[] = [];
  if (opts.large) {
    const item = mostExpensive(ctx.items);
    if (item) {
      const unitPrice = priceIn(currency, item.rate, item.price_currency);
      const quantity = dec('1300000000').dividedBy(unitPrice).toDecimalPlaces(0, 2).toString();
      lines.push({ ...generateLine(ctx, lineOptions, item, quantity), discount: '0' });
    }
  }
  while (lines.length < lineCount) lines.push(generateLine(ctx, lineOptions));
  const invoice: SandboxInvoice = {
    invoice_id: ctx.ids.next(),
    invoice_number: `INV-${String(sequence).padStart(6, '0')}`,
    customer_id: customer.contact_id,
    customer_name: customer.contact_name,
    status,
    ...documentDates(ctx, customer.payment_terms),
    currency_code: currency,
    exchange_rate: currency === 'IQD' ? '1' : USD_EXCHANGE_RATE,
    line_items: lines,
    sub_total: '0',
    tax_total: '0',
    total: '0',
    balance: '0',
    reference_number: random.chance(0.3) ? `PO-${random.digits(5)}` : '',
    number_style: pickNumberStyle(random),
  };
  if (opts.large && invoice.status === 'void') invoice.status = 'sent';
  recomputeTotals(invoice);
  setInitialBalance(invoice, random);
  return invoice;
}

export function generateBill(ctx: DocumentContext, vendor: SandboxContact, sequence: number, opts: { taxId: string }): SandboxBill {
  const { random } = ctx;
  const currency = vendor.currency_code;
  const status = random.weighted<SandboxBillStatus>([['paid', 45], ['open', 25], ['overdue', 12], ['partially_paid', 10], ['draft', 5], ['void', 3]]);
  const lineOptions: LineOptions = { currency, purchase: true, taxed: false, taxId: opts.taxId };
  const lineCount = random.int(1, 8);
  const lines: SandboxLineItem[] = [];
  while (lines.length < lineCount) lines.push(generateLine(ctx, lineOptions));
  const bill: SandboxBill = {
    bill_id: ctx.ids.next(),
    bill_number: random.chance(0.5) ? `BILL-${String(sequence).padStart(5, '0')}` : `${vendor.contact_name.slice(0, 2).toUpperCase()}/${random.int(23, 25)}/${random.int(100, 9999)}`,
    vendor_id: vendor.contact_id,
    vendor_name: vendor.contact_name,
    status,
    ...documentDates(ctx, vendor.payment_terms),
    currency_code: currency,
    exchange_rate: currency === 'IQD' ? '1' : USD_EXCHANGE_RATE,
    line_items: lines,
    sub_total: '0',
    tax_total: '0',
    total: '0',
    balance: '0',
    reference_number: random.chance(0.5) ? `PO-${random.digits(5)}` : '',
    number_style: pickNumberStyle(random),
  };
  recomputeTotals(bill);
  setInitialBalance(bill, random);
  return bill;
}
