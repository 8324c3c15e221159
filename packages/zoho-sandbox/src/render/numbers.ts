import { dec } from '../money';
import { formatZohoTime } from '../time';
import type { SandboxNumberStyle } from '../types';

/**
 * Renders an exact decimal the way Zoho does: usually a JSON number, for some
 * records a numeric string (`"1500.00"`), and `""` for an empty optional value
 * (or, in the `blank-zero` style, for an optional zero).
 */
export function zohoNumber(value: string | null, style: SandboxNumberStyle, options: { optional?: boolean; places?: number } = {}): number | string {
  if (value === null || value === '') return '';
  if (style === 'string') return dec(value).toFixed(options.places ?? 2);
  if (style === 'blank-zero' && options.optional && dec(value).isZero()) return '';
  return Number(value);
}

export const zohoTime = (epochMs: number) => formatZohoTime(epochMs);
