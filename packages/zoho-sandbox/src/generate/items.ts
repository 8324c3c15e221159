import type { IdGenerator } from '../ids';
import { ean13, isbn13, upcA } from '../ids';
import { dec, money, roundToStep } from '../money';
import type { SeededRandom } from '../random';
import type { SandboxNumberStyle, SandboxItem, SandboxItemStock, SandboxLocation } from '../types';
import { HOSTILE_ARABIC_NAMES, HOSTILE_ITEM_NAMES, longDescription } from './hostile';
import { BRANDS, CATEGORIES, COLORS, type ProductType } from './vocabulary';

export interface SandboxCategory {
  category_id: string;
  category_name: string;
  category_name_ar: string;
}

export function generateCategories(ids: IdGenerator): SandboxCategory[] {
  return CATEGORIES.map((c) => ({ category_id: ids.next(), category_name: c.en, category_name_ar: c.ar }));
}

export function pickNumberStyle(random: SeededRandom): SandboxNumberStyle {
  return random.weighted<SandboxNumberStyle>([
    ['number', 85],
    ['string', 10],
    ['blank-zero', 5],
  ]);
}

export interface ItemContext {
  random: SeededRandom;
  ids: IdGenerator;
  categories: SandboxCategory[];
  locations: SandboxLocation[];
  /** Items are created over [historyStart, historyEnd]. */
  historyStart: number;
  historyEnd: number;
  sequence: number;
}

function stockQuantity(random: SeededRandom, type: ProductType): string {
  if (random.chance(0.03)) return String(-random.int(1, 5)); // Zoho allows negative stock
  if (random.chance(0.12)) return '0';
  const whole = Math.round(random.logUniform(1, type.min > 400_000 ? 40 : 2_000));
  if (type.fractional && random.chance(0.5)) return money(dec(whole).plus(dec(random.int(1, 9)).dividedBy(10)), 1);
  return String(whole);
}

export function generateStock(random: SeededRandom, type: ProductType, locations: SandboxLocation[]): SandboxItemStock[] {
  return locations.map((location) => {
    const onHand = stockQuantity(random, type);
    const committed = dec(onHand).greaterThan(0) && random.chance(0.3) ? String(random.int(0, Math.max(0, Math.floor(Number(onHand) / 4)))) : '0';
    return { location_id: location.location_id, stock_on_hand: onHand, committed_stock: committed };
  });
}

export function iqdPrice(random: SeededRandom, type: ProductType): string {
  return money(roundToStep(dec(random.logUniform(type.min, type.max)), 250).clampedTo(1_500, 2_500_000), 0);
}

/** A new catalogue item; the first few carry hostile strings when `hostileIndex` is set. */
export function generateItem(ctx: ItemContext, hostileIndex?: number): SandboxItem {
  const { random } = ctx;
  const categoryIndex = random.int(0, CATEGORIES.length - 1);
  const spec = CATEGORIES[categoryIndex]!;
  const category = ctx.categories[categoryIndex]!;
  const type = random.pick(spec.types);
  const brand = random.pick(BRANDS);
  const [colorEn, colorAr] = random.pick(COLORS);
  const model = `${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}-${random.int(100, 9999)}`;
  let name = `${brand} ${type.en} ${model} ${colorEn}`;
  let nameAr: string | null = `${type.ar} ${brand} ${model} ${colorAr}`;
  const arabicRoll = random.next();
  let nameArFieldPresent = true;
  if (arabicRoll < 0.08) {
    nameAr = null;
    nameArFieldPresent = false;
  } else if (arabicRoll < 0.12) {
    nameAr = null;
  }

  const usd = random.chance(0.05);
  let rate: string;
  let purchaseRate: string | null;
  if (usd) {
    rate = money(dec(random.logUniform(1.5, 2_500)), 2);
    purchaseRate = random.chance(0.9) ? money(dec(rate).times(random.int(60, 90)).dividedBy(100), 2) : null;
  } else {
    rate = iqdPrice(random, type);
    purchaseRate = random.chance(0.95)
      ? money(roundToStep(dec(rate).times(random.int(60, 90)).dividedBy(100), 250).clampedTo(250, 2_500_000), 0)
      : null;
  }

  const barcodeRoll = random.next();
  const ean = barcodeRoll < 0.75 ? ean13(random) : '';
  const upc = barcodeRoll >= 0.7 && barcodeRoll < 0.85 ? upcA(random) : '';
  const isbn = barcodeRoll >= 0.85 && barcodeRoll < 0.87 ? isbn13(random) : '';
  const productType = random.chance(0.02) ? 'service' : 'goods';
  const created = ctx.historyStart + Math.floor(random.next() * (ctx.historyEnd - ctx.historyStart));
  const modified = created + Math.floor(random.next() * (ctx.historyEnd - created));
  let description = `${type.en} by ${brand}, colour ${colorEn.toLowerCase()}. Warranty ${random.int(3, 24)} months.`;

  if (hostileIndex !== undefined) {
    const h = hostileIndex % (HOSTILE_ITEM_NAMES.length + 1);
    if (h < HOSTILE_ITEM_NAMES.length) {
      name = HOSTILE_ITEM_NAMES[h]!;
      nameAr = HOSTILE_ARABIC_NAMES[h]!;
      nameArFieldPresent = true;
    } else {
      description = longDescription();
    }
  }

  return {
    item_id: ctx.ids.next(),
    name,
    name_ar: nameAr,
    name_ar_field_present: nameArFieldPresent,
    sku: `TSH-${String(categoryIndex + 1).padStart(2, '0')}-${String(ctx.sequence).padStart(6, '0')}`,
    ean,
    upc,
    isbn,
    status: random.chance(0.08) ? 'inactive' : 'active',
    product_type: productType,
    rate,
    purchase_rate: purchaseRate,
    price_currency: usd ? 'USD' : 'IQD',
    unit: type.unit,
    description,
    category_id: category.category_id,
    category_name: category.category_name,
    brand,
    stock: productType === 'goods' ? generateStock(random, type, ctx.locations) : [],
    number_style: pickNumberStyle(random),
    created_time: Math.floor(created / 1000) * 1000,
    last_modified_time: Math.floor(modified / 1000) * 1000,
  };
}

/** The product type an existing item belongs to (by its category and unit), for later stock changes. */
export function productTypeOf(item: SandboxItem): ProductType {
  const spec = CATEGORIES.find((c) => c.en === item.category_name) ?? CATEGORIES[0]!;
  return spec.types.find((t) => t.unit === item.unit) ?? spec.types[0]!;
}
