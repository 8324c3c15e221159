import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { exactJsonNumber } from '../schemas/decimal';

// A number literal a double may not hold exactly: 16 or more digits and points, or an exponent
// (1E+400 is Infinity). Found after `:`, `,`, `[` or at the start, where JSON values begin; a
// match inside a string only costs the slower exact parse. Up to 15 significant digits a double
// gives back the same decimal, so a text without a match parses exactly with JSON.parse.
const MAY_LOSE_DIGITS = /(?:^|[:,[])\s*-?\d(?:[\d.]{15,}|[\d.]*[eE])/;

// A whole number beyond 2^53 stays the number JSON.parse gives: Zoho's ids are strings, and one sent
// as such a number may have been rounded before it was sent (Zoho's documentation prints them so),
// so the intake refuses it (Number.isSafeInteger, webhooks/extract-record.ts) rather than trust its
// digits. No amount or quantity reaches 2^53 (9 × 10^15).
const WHOLE = /^-?\d+$/;

/**
 * JSON.parse, except that a fraction a JavaScript number cannot hold exactly becomes the string of
 * its exact decimal value (exactJsonNumber; past a double's exponent range it is Infinity, which
 * no decimal field accepts): money and quantities reach the decimal columns with every digit Zoho
 * sent. Other numbers are numbers, as JSON.parse gives them.
 * Throws a SyntaxError for text that is not JSON (also for nesting too deep to parse exactly, and
 * for a key repeated with another value on the exact path, where JSON.parse would keep the last).
 */
export function parseExactJson(text: string): unknown {
  if (!MAY_LOSE_DIGITS.test(text)) return JSON.parse(text);
  try {
    return parseLossless(text, null, (value) => (isSafeNumber(value) || WHOLE.test(value) ? Number(value) : exactJsonNumber(value)));
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    if (error instanceof RangeError) throw new SyntaxError('JSON nested too deeply');
    throw error;
  }
}
