/** Zoho's timestamp shape: `2025-06-03T14:22:47+0300` (whole seconds, no colon in the offset). */
export const ZOHO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/;

/** Formats an instant as Zoho does, in Baghdad time (+0300). */
export function zohoTime(at: Date | number): string {
  const shifted = new Date((typeof at === 'number' ? at : at.getTime()) + 3 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+0300`;
}

/** The instant of a Zoho timestamp, or null when the text is not exactly Zoho's shape. */
export function parseZohoTime(text: string): number | null {
  const m = ZOHO_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '+' ? 1 : -1);
  return utc - offset;
}
