import { dec, money, sum } from '../money';
import { formatZohoDate } from '../time';
import type { SandboxMinorEntity, SandboxContact, SandboxLineItem, SandboxMinorRecord } from '../types';
import { type DocumentContext, generateLine } from './documents';

const PREFIX: Record<SandboxMinorEntity, string> = {
  salesorder: 'SO-',
  purchaseorder: 'PO-',
  creditnote: 'CN-',
  customerpayment: 'PAY-',
  inventoryadjustment: 'ADJ-',
  transferorder: 'TO-',
  compositeitem: 'TSH-KIT-',
};

const STATUSES: Record<SandboxMinorEntity, string[]> = {
  salesorder: ['draft', 'open', 'invoiced', 'void'],
  purchaseorder: ['draft', 'open', 'billed', 'cancelled'],
  creditnote: ['open', 'closed', 'void'],
  customerpayment: ['paid'],
  inventoryadjustment: ['adjusted', 'draft'],
  transferorder: ['in_transit', 'transferred', 'draft'],
  compositeitem: ['active'],
};

const REASONS = ['Stock count correction', 'Damaged goods', 'Stolen goods', 'Expired stock'];

/** Small lists of secondary documents that only need to answer list and detail calls correctly. */
export function generateMinorRecords(
  entity: SandboxMinorEntity,
  count: number,
  ctx: DocumentContext,
  contacts: readonly SandboxContact[],
): SandboxMinorRecord[] {
  const { random } = ctx;
  const records: SandboxMinorRecord[] = [];
  for (let i = 0; i < count; i++) {
    const contact = contacts.length > 0 ? random.pick(contacts) : undefined;
    const currency = contact?.currency_code ?? 'IQD';
    const lines: SandboxLineItem[] = [];
    if (entity !== 'customerpayment') {
      const n = random.int(1, 4);
      for (let j = 0; j < n; j++) lines.push(generateLine(ctx, { currency, purchase: entity === 'purchaseorder', taxed: false, taxId: '' }));
    }
    const created = ctx.historyStart + Math.floor(random.next() * (ctx.historyEnd - ctx.historyStart));
    const modified = created + Math.floor(random.next() * (ctx.historyEnd - created));
    const record: SandboxMinorRecord = {
      id: ctx.ids.next(),
      number: `${PREFIX[entity]}${String(i + 1).padStart(5, '0')}`,
      contact_id: contact?.contact_id ?? '',
      contact_name: contact?.contact_name ?? '',
      status: random.pick(STATUSES[entity]),
      date: formatZohoDate(created),
      currency_code: currency,
      total:
        entity === 'customerpayment'
          ? currency === 'IQD'
            ? money(dec(random.int(4, 40_000)).times(250), 0)
            : money(dec(random.int(1_000, 900_000)).dividedBy(100), 2)
          : money(sum(lines.map((l) => l.item_total)), 2),
      line_items: lines,
      created_time: Math.floor(created / 1000) * 1000,
      last_modified_time: Math.floor(modified / 1000) * 1000,
    };
    if (entity === 'inventoryadjustment') {
      record.reason = random.pick(REASONS);
      for (const line of lines) line.quantity = String(random.int(-20, 20) || 1);
    }
    if (entity === 'compositeitem') {
      record.name = `Bundle: ${lines.map((l) => l.name).join(' + ')}`.slice(0, 200);
      for (const line of lines) line.quantity = String(random.int(1, 4));
      record.total = money(sum(lines.map((l) => dec(l.quantity).times(l.rate).toString())), 2);
    }
    if (entity === 'transferorder' && ctx.locations.length > 1) {
      const [from, to] = random.shuffle(ctx.locations);
      record.from_location_id = from!.location_id;
      record.to_location_id = to!.location_id;
    }
    records.push(record);
  }
  return records;
}
