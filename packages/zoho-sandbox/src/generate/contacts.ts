import type { IdGenerator } from '../ids';
import { dec, money, roundToStep } from '../money';
import type { SeededRandom } from '../random';
import type { SandboxContact } from '../types';
import { HOSTILE_CONTACT_NAMES } from './hostile';
import { pickNumberStyle } from './items';
import {
  CITIES,
  FIRST_NAMES_AR,
  FIRST_NAMES_EN,
  LAST_NAMES_AR,
  LAST_NAMES_EN,
  SHOP_KINDS,
  SHOP_WORDS,
  VENDOR_NAMES,
  VENDOR_NAMES_AR,
} from './vocabulary';

export interface ContactContext {
  random: SeededRandom;
  ids: IdGenerator;
  historyStart: number;
  historyEnd: number;
  sequence: number;
}

function timestamps(ctx: ContactContext): [number, number] {
  const created = ctx.historyStart + Math.floor(ctx.random.next() * (ctx.historyEnd - ctx.historyStart));
  const modified = created + Math.floor(ctx.random.next() * (ctx.historyEnd - created));
  return [Math.floor(created / 1000) * 1000, Math.floor(modified / 1000) * 1000];
}

function iraqiMobile(random: SeededRandom): string {
  return `+964 7${random.pick(['70', '71', '72', '73', '74', '75', '77', '78', '79', '80', '81'])} ${random.digits(3)} ${random.digits(4)}`;
}

export function generateCustomer(ctx: ContactContext, hostileIndex?: number): SandboxContact {
  const { random } = ctx;
  const arabic = random.chance(0.5);
  const [shopEn, shopAr] = random.pick(SHOP_WORDS);
  const [kindEn, kindAr] = random.pick(SHOP_KINDS);
  const [cityEn, cityAr] = random.pick(CITIES);
  const person = random.int(0, FIRST_NAMES_EN.length - 1);
  const family = random.int(0, LAST_NAMES_EN.length - 1);
  let company = arabic ? `${kindAr.startsWith('ل') ? 'شركة' : 'مؤسسة'} ${shopAr} ${kindAr} - ${cityAr}` : `${shopEn} ${kindEn} - ${cityEn}`;
  if (hostileIndex !== undefined) company = HOSTILE_CONTACT_NAMES[hostileIndex % HOSTILE_CONTACT_NAMES.length]!;
  const usd = random.chance(0.15);
  const outstanding = random.chance(0.35)
    ? '0'
    : usd
      ? money(dec(random.logUniform(50, 80_000)), 2)
      : money(roundToStep(dec(random.logUniform(25_000, 400_000_000)), 250), 0);
  const [created, modified] = timestamps(ctx);
  return {
    contact_id: ctx.ids.next(),
    contact_name: company,
    company_name: company,
    contact_type: 'customer',
    status: random.chance(0.07) ? 'inactive' : 'active',
    first_name: arabic ? FIRST_NAMES_AR[person]! : FIRST_NAMES_EN[person]!,
    last_name: arabic ? LAST_NAMES_AR[family]! : LAST_NAMES_EN[family]!,
    email: random.chance(0.7) ? `${FIRST_NAMES_EN[person]!.toLowerCase()}.${ctx.sequence}@${shopEn.toLowerCase().replace(/[^a-z]/g, '')}.iq` : '',
    phone: random.chance(0.6) ? `+964 1 ${random.digits(3)} ${random.digits(4)}` : '',
    mobile: iraqiMobile(random),
    currency_code: usd ? 'USD' : 'IQD',
    outstanding_receivable_amount: outstanding,
    outstanding_payable_amount: '0',
    payment_terms: random.pick([0, 0, 15, 30, 30, 45, 60]),
    city: cityEn,
    address: arabic ? `${cityAr}، شارع ${random.int(1, 80)}، محلة ${random.int(100, 999)}` : `Street ${random.int(1, 80)}, District ${random.int(100, 999)}, ${cityEn}`,
    number_style: pickNumberStyle(random),
    created_time: created,
    last_modified_time: modified,
  };
}

export function generateVendor(ctx: ContactContext): SandboxContact {
  const { random } = ctx;
  const arabic = random.chance(0.25);
  const base = arabic ? random.pick(VENDOR_NAMES_AR) : random.pick(VENDOR_NAMES);
  const name = ctx.sequence < (arabic ? VENDOR_NAMES_AR.length : VENDOR_NAMES.length) ? base : `${base} (${ctx.sequence + 1})`;
  const usd = !arabic && random.chance(0.8);
  const [cityEn] = random.pick(CITIES);
  const person = random.int(0, FIRST_NAMES_EN.length - 1);
  const [created, modified] = timestamps(ctx);
  return {
    contact_id: ctx.ids.next(),
    contact_name: name,
    company_name: name,
    contact_type: 'vendor',
    status: random.chance(0.05) ? 'inactive' : 'active',
    first_name: FIRST_NAMES_EN[person]!,
    last_name: LAST_NAMES_EN[random.int(0, LAST_NAMES_EN.length - 1)]!,
    email: `sales${ctx.sequence}@vendor${ctx.sequence}.example`,
    phone: random.chance(0.5) ? `+86 20 ${random.digits(4)} ${random.digits(4)}` : '',
    mobile: arabic ? iraqiMobile(random) : '',
    currency_code: usd ? 'USD' : 'IQD',
    outstanding_receivable_amount: '0',
    outstanding_payable_amount: random.chance(0.4)
      ? '0'
      : usd
        ? money(dec(random.logUniform(500, 900_000)), 2)
        : money(roundToStep(dec(random.logUniform(100_000, 900_000_000)), 250), 0),
    payment_terms: random.pick([0, 30, 60, 90]),
    city: arabic ? cityEn : 'Guangzhou',
    address: arabic ? `${cityEn}, Industrial Area` : 'Room 1203, Trade Tower, Guangzhou',
    number_style: pickNumberStyle(random),
    created_time: created,
    last_modified_time: modified,
  };
}
