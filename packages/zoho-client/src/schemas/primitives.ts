import { z } from 'zod';
import { toDecimalString } from './decimal';
import { calendarProblem, normalizeZohoTimestamp, zohoTimestampProblem } from './timestamp';

/** Zoho ids are 19-digit strings; a number would already have lost digits, so only strings and safe integers pass. */
export const zohoId = z.union([z.string().min(1), z.number().int().refine(Number.isSafeInteger, 'id lost precision')]).transform(String);

/** Optional id: "" and null mean absent. */
export const optionalZohoId = z
  .union([z.string(), z.number().int(), z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null || v === '' ? null : String(v)));

/** Money or quantity: number, numeric string or "" → exact decimal string or null. */
export const zohoDecimal = z.unknown().optional().transform((value, ctx): string | null => {
  const decimal = toDecimalString(value);
  if (decimal === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a decimal number, received ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return decimal;
});

/** Timestamp with or without the colon in the offset → ISO 8601 string; ""/null → null. */
export const zohoTimestamp = z.unknown().optional().transform((value, ctx): string | null => {
  if (value === undefined || value === null || value === '') return null;
  const iso = typeof value === 'string' ? normalizeZohoTimestamp(value) : undefined;
  if (iso === undefined) {
    const problem = typeof value === 'string' ? zohoTimestampProblem(value) : undefined;
    const why = problem?.startsWith('not a real date') ? `: ${problem}` : '';
    ctx.addIssue({ code: 'custom', message: `expected a Zoho timestamp, received ${JSON.stringify(value)}${why}` });
    return z.NEVER;
  }
  return iso;
});

/** Date `yyyy-mm-dd` that exists in the calendar (no 2025-02-30); "" → null. */
export const zohoDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v, ctx): string | null => {
    if (v === undefined || v === null || v === '') return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `expected a date yyyy-mm-dd, received ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    const problem = calendarProblem(v);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a date yyyy-mm-dd, received ${JSON.stringify(v)}: not a real date (${problem})` });
      return z.NEVER;
    }
    return v;
  });

/** Free text kept exactly as sent; absent → null. Numbers are accepted and stringified. */
export const zohoText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null ? null : String(v)));

/**
 * Booleans: one field name comes as `false` on one record and `0` on another, or as `"true"`.
 * true/false, 1/0, "true"/"false" (any case, trimmed) and "1"/"0" are read; null, "" and absent
 * mean no value (null). Anything else is refused, so a stored flag is never guessed.
 */
export const zohoBoolean = z.unknown().optional().transform((value, ctx): boolean | null => {
  if (value === undefined || value === null) return null;
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === '') return null;
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  ctx.addIssue({ code: 'custom', message: `expected a boolean (true/false, 1/0, "true"/"false" or "1"/"0"), received ${JSON.stringify(value)}` });
  return z.NEVER;
});

/**
 * A field TDS does not store. Zoho sends one field name with several types (a line's `discount`
 * as 10 or "10.00%", `exchange_rate` as 1 or ""), and a record must never be refused over a value
 * TDS throws away: the value is parsed by `schema` when it can be and left out (undefined) when it
 * cannot. Fields that feed a stored column keep their strict schema, so a bad value there still
 * refuses the record with the field's name and reason.
 */
export function lenient<S extends z.ZodType>(schema: S): z.ZodCatch<z.ZodOptional<S>> {
  return schema.optional().catch(undefined);
}

/** `lenient` over every field of a shape: for records TDS reads nothing from but their id and version. */
export function lenientFields<T extends Record<string, z.ZodType>>(fields: T): { [K in keyof T]: z.ZodCatch<z.ZodOptional<T[K]>> } {
  return Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, lenient(schema)])) as {
    [K in keyof T]: z.ZodCatch<z.ZodOptional<T[K]>>;
  };
}
