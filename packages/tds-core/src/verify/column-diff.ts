import Decimal from 'decimal.js';
import type { ColumnDifference } from './types';

/** How a contract column is compared: decimals by value (`1250.00` = `1250`), everything else exactly as stored. */
export type ColumnKind = 'text' | 'decimal' | 'integer' | 'boolean' | 'date';

export type ColumnKinds = Readonly<Record<string, ColumnKind>>;

type Value = string | number | boolean | null;

function asValue(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** A decimal as decimal.js reads it, or null when the text is not a number (compared as text then). */
function decimalOf(value: Value): Decimal | null {
  if (value === null || typeof value === 'boolean') return null;
  try {
    const parsed = new Decimal(typeof value === 'number' ? String(value) : value.trim());
    return parsed.isFinite() ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Whether a stored value equals the value the apply path would write. Decimals are compared as
 * exact decimals, never as floats: `360.00` and `360` are the same amount whatever scale the row
 * was written with. Text, including Arabic, emoji and surrounding whitespace, must be identical.
 */
export function sameValue(kind: ColumnKind, stored: unknown, expected: unknown): boolean {
  const a = asValue(stored);
  const b = asValue(expected);
  if (a === null || b === null) return a === b;
  switch (kind) {
    case 'decimal':
    case 'integer': {
      const x = decimalOf(a);
      const y = decimalOf(b);
      return x !== null && y !== null ? x.eq(y) : String(a) === String(b);
    }
    case 'boolean':
      return a === b;
    case 'date':
    case 'text':
      return String(a) === String(b);
  }
}

/** The columns of `kinds` whose stored value differs from the expected one, each named with `prefix`. */
export function diffColumns(kinds: ColumnKinds, stored: Record<string, unknown>, expected: Record<string, unknown>, prefix = ''): ColumnDifference[] {
  const differences: ColumnDifference[] = [];
  for (const [column, kind] of Object.entries(kinds)) {
    if (!sameValue(kind, stored[column], expected[column])) {
      differences.push({ column: `${prefix}${column}`, stored: asValue(stored[column]), zoho: asValue(expected[column]) });
    }
  }
  return differences;
}

/**
 * Differences between two sets of child rows keyed by id (invoice lines, stock per location,
 * price-list entries): a row on one side only is one difference named `<name>[<id>]`, a row on
 * both is compared column by column.
 */
export function diffRowSets(
  name: string,
  kinds: ColumnKinds,
  stored: ReadonlyMap<string, Record<string, unknown>>,
  expected: ReadonlyMap<string, Record<string, unknown>>,
): ColumnDifference[] {
  const differences: ColumnDifference[] = [];
  const ids = [...new Set([...stored.keys(), ...expected.keys()])].sort();
  for (const id of ids) {
    const s = stored.get(id);
    const e = expected.get(id);
    if (s && e) differences.push(...diffColumns(kinds, s, e, `${name}[${id}].`));
    else differences.push({ column: `${name}[${id}]`, stored: s ? 'present' : null, zoho: e ? 'present' : null });
  }
  return differences;
}
