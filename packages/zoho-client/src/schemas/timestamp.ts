const ZOHO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in a month (1–12) of a year, leap years included. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why a date (`yyyy-mm-dd`), with an optional clock time (`HH:MM[:SS[.fff]]`) and UTC offset
 * (`Z`, `±HH:MM` or `±HHMM`), is not a real moment, or undefined when it is. `Date.parse` rolls
 * 2025-02-30 over into March 2 and reads 24:00 as the next midnight, while PostgreSQL refuses
 * both, so every date TDS reads is checked here against the calendar first: year 0001–9999,
 * month 1–12, day within its month (February 29 only in leap years), hour 0–23, minute and
 * second 0–59, offset within ±14:00. The caller checks the shape; parts it cannot read are problems too.
 */
export function calendarProblem(date: string, time?: string, zone?: string): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!d) return `${date} is not a date yyyy-mm-dd`;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (year < 1) return 'there is no year 0000';
  if (month < 1 || month > 12) return `there is no month ${d[2]}`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${d[1]} has ${days} days, not ${d[3]}`;
  if (time !== undefined) {
    const t = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(time);
    if (!t) return `${time} is not a time HH:MM:SS`;
    if (Number(t[1]) > 23) return `hour ${t[1]} is past 23`;
    if (Number(t[2]) > 59) return `minute ${t[2]} is past 59`;
    if (t[3] !== undefined && Number(t[3]) > 59) return `second ${t[3]} is past 59`;
  }
  if (zone !== undefined && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z) return `${zone} is not a UTC offset`;
    if (Number(z[3]) > 59 || Number(z[2]) * 60 + Number(z[3]) > 14 * 60) return `UTC offset ${zone} is beyond ±14:00`;
  }
  return undefined;
}

function readZohoTimestamp(value: string): { iso: string } | { problem: string } | undefined {
  const match = ZOHO_TIMESTAMP.exec(value.trim());
  if (!match) return undefined;
  const [, date, time, zone] = match;
  const problem = calendarProblem(date!, time!, zone);
  if (problem !== undefined) return { problem };
  const seconds = time!.length === 5 ? `${time}:00` : time;
  let offset = 'Z';
  if (zone && zone !== 'Z') offset = zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${date}T${seconds}${offset}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : { iso };
}

/**
 * Normalizes a Zoho timestamp ("2025-06-03T14:22:47+0300", with or without the colon in the
 * offset) to ISO 8601 with a colon ("2025-06-03T14:22:47+03:00"). Undefined when unparseable or
 * not a real moment of the calendar (2025-02-30, 24:00, an offset past ±14:00: see calendarProblem).
 */
export function normalizeZohoTimestamp(value: string): string | undefined {
  const read = readZohoTimestamp(value);
  return read !== undefined && 'iso' in read ? read.iso : undefined;
}

/**
 * Why a Zoho timestamp is refused, for messages: "not a real date (February 2025 has 28 days, not 30)",
 * or "not a Zoho timestamp" when its shape is wrong; undefined when it is a good one.
 */
export function zohoTimestampProblem(value: string): string | undefined {
  const read = readZohoTimestamp(value);
  if (read === undefined) return 'not a Zoho timestamp';
  return 'problem' in read ? `not a real date (${read.problem})` : undefined;
}

/** Parses a Zoho timestamp into a Date; throws on garbage. */
export function parseZohoTimestamp(value: string): Date {
  const iso = normalizeZohoTimestamp(value);
  if (iso === undefined) throw new TypeError(`Not a Zoho timestamp: ${JSON.stringify(value)} is ${zohoTimestampProblem(value) ?? 'not readable'}`);
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
