/**
 * Valid but hostile strings that a faithful sync must store byte for byte:
 * quotes, SQL, emoji, very long text, right-to-left text, markup.
 */
export const HOSTILE_ITEM_NAMES = [
  'Cable "Pro" 2m \\ Type-C \'Fast\'',
  "'); DROP TABLE products;--",
  '🔌 Smart Plug ⚡ 16A 🇮🇶',
  '<script>alert("x")</script> LED Strip',
  '\u200Fشاحن سريع 65W — Fast Charger',
];

export const HOSTILE_ARABIC_NAMES = [
  'كابل "برو" ٢م',
  "'); DROP TABLE products;--",
  'قابس ذكي 🔌⚡',
  '<b>شريط ليد</b>',
  'شاحن \u202Bسريع\u202C 65W',
];

export const HOSTILE_CONTACT_NAMES = [
  'O\'Brien & Sons "Baghdad" Ltd.',
  "Robert'); DROP TABLE customers;--",
  'متجر الهواتف 📱✨',
];

/** A 2 000-character description mixing English, Arabic and punctuation. */
export function longDescription(): string {
  const unit = 'High quality product — منتج عالي الجودة; "durable", <safe> & 100% tested. ';
  let text = '';
  while (text.length < 2000) text += unit;
  return text.slice(0, 2000);
}
