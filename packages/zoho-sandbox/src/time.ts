/**
 * Zoho renders timestamps in the organization's time zone with no colon in the
 * offset (`2025-06-03T14:22:47+0300`); the sandbox organization is in Baghdad.
 */
export const SANDBOX_UTC_OFFSET_MINUTES = 180;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function shifted(epochMs: number, offsetMinutes: number): Date {
  return new Date(epochMs + offsetMinutes * 60_000);
}

function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

export function formatZohoTime(epochMs: number, offsetMinutes = SANDBOX_UTC_OFFSET_MINUTES): string {
  const d = shifted(epochMs, offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${offsetText(offsetMinutes)}`
  );
}

/** `yyyy-mm-dd` in the organization's time zone. */
export function formatZohoDate(epochMs: number, offsetMinutes = SANDBOX_UTC_OFFSET_MINUTES): string {
  const d = shifted(epochMs, offsetMinutes);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const ZOHO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses `YYYY-MM-DDTHH:MM:SS±HHMM` (also accepts `±HH:MM` and `Z`) into epoch
 * milliseconds; returns undefined for anything else.
 */
export function parseZohoTime(text: string): number | undefined {
  const m = ZOHO_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone, sign, oh, om] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    return undefined;
  }
  const utc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
  const check = new Date(utc);
  if (check.getUTCDate() !== fields[2]) return undefined;
  if (zone === 'Z') return utc;
  const offset = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  return utc - offset * 60_000;
}

/** Milliseconds until the next midnight in the organization's time zone (the daily quota reset). */
export function msUntilNextLocalMidnight(epochMs: number, offsetMinutes = SANDBOX_UTC_OFFSET_MINUTES): number {
  const local = epochMs + offsetMinutes * 60_000;
  const dayMs = 86_400_000;
  return dayMs - (((local % dayMs) + dayMs) % dayMs);
}

/** A day number in the organization's time zone, used to key the daily quota. */
export function localDayNumber(epochMs: number, offsetMinutes = SANDBOX_UTC_OFFSET_MINUTES): number {
  return Math.floor((epochMs + offsetMinutes * 60_000) / 86_400_000);
}

export const wholeSeconds = (epochMs: number) => Math.floor(epochMs / 1000) * 1000;
