import Decimal from 'decimal.js';

/** Exact decimal arithmetic for the sandbox's money and quantities (strings in, strings out). */
export const SandboxDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type DecimalValue = InstanceType<typeof SandboxDecimal>;

export const dec = (value: string | number | DecimalValue) => new SandboxDecimal(value);

/** Rounds to `places` decimals and drops trailing zeros (`"1500"`, `"12.75"`). */
export function money(value: DecimalValue, places = 2): string {
  return value.toDecimalPlaces(places).toString();
}

/** Rounds to the nearest multiple of `step` (IQD prices end in 250s). */
export function roundToStep(value: DecimalValue, step: number): DecimalValue {
  return value.dividedBy(step).toDecimalPlaces(0).times(step);
}

export function sum(values: readonly string[]): DecimalValue {
  return values.reduce((acc, v) => acc.plus(v), dec(0));
}
