const WRAPPERS = ['item', 'contact', 'invoice', 'bill', 'pricebook', 'inventory_adjustment', 'transfer_order'];
const NAME_KEYS = ['name', 'item_name', 'contact_name', 'pricebook_name', 'invoice_number', 'bill_number', 'reference_number'];
const ARABIC_KEYS = ['name_ar', 'cf_name_ar'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The record a dead letter is about, as people know it: its name (and Arabic name), from whatever payload it kept. */
export function recordLabel(payload: unknown): { name: string | null; arabicName: string | null } {
  if (!isObject(payload)) return { name: null, arabicName: null };
  const wrapped = WRAPPERS.map((k) => payload[k]).find(isObject);
  const record = wrapped ?? payload;
  const name = NAME_KEYS.map((k) => text(record[k])).find(Boolean) ?? null;
  let arabicName = ARABIC_KEYS.map((k) => text(record[k])).find(Boolean) ?? null;
  if (!arabicName && Array.isArray(record.custom_fields)) {
    const field = record.custom_fields.find((f) => isObject(f) && ARABIC_KEYS.includes(String(f.api_name)));
    arabicName = isObject(field) ? text(field.value) : null;
  }
  return { name, arabicName: arabicName === name ? null : arabicName };
}
