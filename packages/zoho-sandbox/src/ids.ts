import type { SeededRandom } from './random';

/**
 * Zoho record ids: 19-digit decimal strings, larger than 2^53 so a client that
 * parses them as numbers loses digits (ids must stay strings end to end).
 */
export class IdGenerator {
  private current: bigint;

  constructor(
    private readonly random: SeededRandom,
    base = 2_163_580_000_000_000_000n,
  ) {
    this.current = base + BigInt(random.int(0, 999_999)) * 1_000n;
  }

  next(): string {
    this.current += BigInt(this.random.int(1, 97));
    return this.current.toString();
  }
}

/** An EAN-13 with a valid check digit. */
export function ean13(random: SeededRandom, prefix = '626'): string {
  const body = prefix + random.digits(12 - prefix.length);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

/** A UPC-A with a valid check digit. */
export function upcA(random: SeededRandom): string {
  const body = random.digits(11);
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(body[i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

/** An ISBN-13 (978 prefix) with a valid check digit. */
export function isbn13(random: SeededRandom): string {
  return ean13(random, '978');
}
