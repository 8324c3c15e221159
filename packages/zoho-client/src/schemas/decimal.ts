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
