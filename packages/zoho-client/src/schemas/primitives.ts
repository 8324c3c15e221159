import { z } from 'zod';
import { toDecimalString } from './decimal';
import { normalizeZohoTimestamp } from './timestamp';

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
    ctx.addIssue({ code: 'custom', message: `expected a Zoho timestamp, received ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return iso;
});

/** Date `yyyy-mm-dd`; "" → null. */
export const zohoDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v, ctx): string | null => {
    if (v === undefined || v === null || v === '') return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `expected a date yyyy-mm-dd, received ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return v;
  });

/** Free text kept exactly as sent; absent → null. Numbers are accepted and stringified. */
export const zohoText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null ? null : String(v)));

/** Booleans sometimes arrive as "true"/"false". */
export const zohoBoolean = z
  .union([z.boolean(), z.enum(['true', 'false']), z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null ? null : v === true || v === 'true'));
