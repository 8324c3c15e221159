const ZOHO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Normalizes a Zoho timestamp ("2025-06-03T14:22:47+0300", with or without the colon in the
 * offset) to ISO 8601 with a colon ("2025-06-03T14:22:47+03:00"). Undefined when unparseable.
 */
export function normalizeZohoTimestamp(value: string): string | undefined {
  const match = ZOHO_TIMESTAMP.exec(value.trim());
  if (!match) return undefined;
  const [, date, time, zone] = match;
  const seconds = time!.length === 5 ? `${time}:00` : time;
  let offset = 'Z';
  if (zone && zone !== 'Z') offset = zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${date}T${seconds}${offset}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** Parses a Zoho timestamp into a Date; throws on garbage. */
export function parseZohoTimestamp(value: string): Date {
  const iso = normalizeZohoTimestamp(value);
  if (iso === undefined) throw new TypeError(`Not a Zoho timestamp: ${JSON.stringify(value)}`);
  return new Date(iso);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * Formats a Date the way Zoho's `last_modified_time` filter expects: `YYYY-MM-DDTHH:MM:SS±HHMM`,
 * in the given offset (minutes east of UTC, default 0).
 */
export function formatZohoTimestamp(date: Date, offsetMinutes = 0): string {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}${pad(Math.abs(offsetMinutes) % 60)}`;
  return (
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` +
    `T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}${offset}`
  );
}
