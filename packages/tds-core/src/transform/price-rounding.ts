/**
 * How a fixed-percentage price list rounds the prices it computes (Zoho's `rounding_type`):
 * to the nearest multiple of `step` (half up), then minus `minus` (".99" endings).
 * See docs/prices.md for the keys Zoho sends and what each one means here.
 */
export interface PriceRounding {
  /** The multiple to round to, as an exact decimal ("0.25"). */
  step: string;
  /** How many steps make one unit ("4" for 0.25): rounding multiplies by it, so it never divides. */
  perUnit: string;
  /** Subtracted after rounding ("0.01" for prices ending in .99); "0" for none. */
  minus: string;
}

const STEPS: Record<string, { step: string; perUnit: string }> = {
  one_cent: { step: '0.01', perUnit: '100' },
  two_cents: { step: '0.02', perUnit: '50' },
  nickel: { step: '0.05', perUnit: '20' },
  dime: { step: '0.1', perUnit: '10' },
  quarter: { step: '0.25', perUnit: '4' },
  half_dollar: { step: '0.5', perUnit: '2' },
  dollar: { step: '1', perUnit: '1' },
  // Zoho's API documentation spells the whole-number key this way.
  dollor: { step: '1', perUnit: '1' },
};

const KEY = /^round_to_([a-z_]+?)(?:_minus_(\d{2}))?$/;

/**
 * The rounding a `rounding_type` names, or null when the price stays as computed: "no_rounding",
 * no value, and any key whose arithmetic is not known (it keeps the exact unrounded price rather
 * than a guessed one; docs/prices.md).
 */
export function priceRoundingOf(roundingType: string | null | undefined): PriceRounding | null {
  const match = KEY.exec((roundingType ?? '').trim().toLowerCase());
  if (!match) return null;
  const step = STEPS[match[1]!];
  if (!step) return null;
  return { ...step, minus: match[2] === undefined ? '0' : `0.${match[2]}` };
}
