import { calendarProblem } from '@tsh/zoho-client/internal';
import { InvalidArgumentError } from 'commander';
import { UsageError } from './cli-error';

/** Commander argument parsers: a bad value becomes a usage error naming the option. */
export function parseWholeNumber(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`must be a whole number between ${min} and ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}`);
    return n;
  };
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time (`2025-06-01`, `2025-06-01T09:00:00+03:00`) that exists in the
 * calendar: 2025-02-30, month 13, 24:00 or an offset past ±14:00 is "not a real date" (the same
 * check as every date read from Zoho), never rolled over into another day.
 */
export function parseIsoDate(value: string): Date {
  const text = value.trim();
  const match = ISO_DATE.exec(text);
  if (!match) {
    throw new InvalidArgumentError('must be an ISO 8601 date or date-time, e.g. 2025-06-01 or 2025-06-01T09:00:00+03:00');
  }
  const problem = calendarProblem(match[1]!, match[2], match[3]);
  if (problem !== undefined) throw new InvalidArgumentError(`is not a real date: ${problem}`);
  const normalized = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('is not a real date');
  return date;
}

export function parseNonEmpty(what: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${what} must not be empty`);
    return value;
  };
}

/** `HH:MM` (24 h, UTC) or `off`. */
export function parseDailyTime(value: string): string | null {
  const text = value.trim().toLowerCase();
  if (text === 'off') return null;
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new InvalidArgumentError('must be HH:MM (24-hour, UTC) or off');
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

const BIGINT_MAX = 9223372036854775807n;

/**
 * A dead-letter id argument (`tds dlq retry <id>`, `tds dlq resolve <id>`): a whole number from 1
 * to 9223372036854775807 (PostgreSQL bigint), written as digits. Anything else (0, abc, -1, 1.5, a
 * number past bigint) is a usage error, exit 2, with the same message.
 */
export function deadLetterIdOf(id: string): string {
  if (/^[1-9]\d{0,18}$/.test(id) && BigInt(id) <= BIGINT_MAX) return id;
  const shown = id.length > 40 ? `${JSON.stringify(id.slice(0, 40))}…` : JSON.stringify(id);
  throw new UsageError(`dead letter ids are whole numbers from 1 to ${BIGINT_MAX} (see tds dlq list), not ${shown}`);
}
