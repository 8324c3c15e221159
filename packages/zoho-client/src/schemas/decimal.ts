const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Expands a JS number to plain decimal notation without exponent (String(1e21) is "1e+21"). */
function numberToPlain(n: number): string {
  const text = String(n);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, head, tail = '', expText] = match;
  const digits = head + tail;
  const exp = Number(expText);
  const point = 1 + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Canonical form of a decimal string: no leading '+', no superfluous leading zeros, "-0" → "0". */
function canonical(text: string): string {
  let sign = '';
  let body = text;
  if (body.startsWith('+') || body.startsWith('-')) {
    sign = body[0] === '-' ? '-' : '';
    body = body.slice(1);
  }
  let [intPart = '', fracPart] = body.split('.');
  intPart = intPart.replace(/^0+(?=\d)/, '') || '0';
  const result = fracPart === undefined || fracPart === '' ? intPart : `${intPart}.${fracPart}`;
  return sign && /[1-9]/.test(result) ? `-${result}` : result;
}

/**
 * Zoho sends money and quantities as numbers, numeric strings or "". Returns an exact decimal
 * string (or null for empty), or undefined when the value is not a decimal at all.
 */
export function toDecimalString(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? canonical(numberToPlain(value)) : undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    return DECIMAL.test(trimmed) ? canonical(trimmed) : undefined;
  }
  return undefined;
}

const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A JSON number's own text as the exact decimal string of its value, without going through a
 * double: "12.345678901234567890" stays so (Number() would round it). Trailing zeros after the
 * point are dropped and exponents written out, so every number a double holds comes out as
 * toDecimalString(Number(text)) does ("12.50" → "12.5", "1e2" → "100"). A number past a double's
 * range (|exponent| > 400) gives what Number(text) gives, so it fails or rounds as before.
 */
export function exactJsonNumber(text: string): string | number {
  const match = JSON_NUMBER.exec(text);
  if (!match) return Number(text);
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > 400) return Number(text);
  const digits = whole + fraction;
  const point = whole.length + exponent;
  let intPart: string;
  let fracPart: string;
  if (point <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    intPart = digits + '0'.repeat(point - digits.length);
    fracPart = '';
  } else {
    intPart = digits.slice(0, point);
    fracPart = digits.slice(point);
  }
  fracPart = fracPart.replace(/0+$/, '');
  return canonical(`${sign}${intPart}${fracPart ? `.${fracPart}` : ''}`);
}
