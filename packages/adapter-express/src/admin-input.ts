import { entityTypes, isEntityType, type EntityType, type SyncOptions } from '@tsh/tds-core';
import { calendarProblem } from '@tsh/zoho-client/internal';
import { HttpProblem } from './problem';

const QUEUE_ID = /^[1-9]\d{0,18}$/;
const BIGINT_MAX = 9223372036854775807n;

/**
 * One query parameter that takes one value: a repeated key (`?mode=full&mode=incremental`) or a
 * nested one (`?limit[a]=1` under a qs parser) is refused with 400 naming the parameter, instead
 * of silently reading the first value.
 */
export function singleQueryValue(query: Record<string, unknown>, name: string, code = 'invalid_query'): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value)) throw new HttpProblem(400, code, `${name} is given ${value.length} times: give it once`);
  throw new HttpProblem(400, code, `${name} must be a single plain value`);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A dead-letter id from the path: a positive integer up to PostgreSQL's bigint (or `all` where allowed). */
export function deadLetterId(value: unknown, allowAll: boolean): string {
  const id = text(value) ?? '';
  if ((QUEUE_ID.test(id) && BigInt(id) <= BIGINT_MAX) || (allowAll && id === 'all')) return id;
  throw new HttpProblem(400, 'invalid_id', `Dead-letter id must be a whole number from 1 to ${BIGINT_MAX}${allowAll ? ' or "all"' : ''}`);
}

function integer(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpProblem(400, 'invalid_query', `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function flag(raw: string | undefined, name: string): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new HttpProblem(400, 'invalid_query', `${name} must be true or false`);
}

/**
 * GET /api/tds/dlq filters: entity (or entityType), includeResolved, limit (1–1000), offset. Each
 * takes one value: one entity per request (the list filters by a single entity), a repeated key is 400.
 */
export function deadLetterFilter(query: Record<string, unknown>): { entityType?: string; includeResolved?: boolean; limit?: number; offset?: number } {
  const entityType = singleQueryValue(query, 'entityType') ?? singleQueryValue(query, 'entity');
  if (entityType !== undefined && entityType !== '' && !isEntityType(entityType)) {
    throw new HttpProblem(400, 'invalid_query', `entity must be one of ${entityTypes.join(', ')}`);
  }
  return {
    entityType: entityType || undefined,
    includeResolved: flag(singleQueryValue(query, 'includeResolved'), 'includeResolved'),
    limit: integer(singleQueryValue(query, 'limit'), 'limit', 1, 1000),
    offset: integer(singleQueryValue(query, 'offset'), 'offset', 0, 100_000_000),
  };
}

/** The note of POST /api/tds/dlq/:id/resolve: required, at most 2000 characters. */
export function resolutionNote(body: unknown): string {
  const note = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).note : undefined;
  if (typeof note !== 'string' || note.trim() === '') {
    throw new HttpProblem(400, 'note_required', 'A JSON body {"note": "..."} saying how the failure was resolved is required');
  }
  if (note.length > 2000) throw new HttpProblem(400, 'note_too_long', 'The note is longer than 2000 characters');
  return note;
}

/** `:entity` of POST /api/tds/sync/:entity: a known entity or `all` (404 otherwise). */
export function syncTarget(value: unknown): EntityType[] | 'all' {
  const entity = text(value) ?? '';
  if (entity === 'all') return 'all';
  if (isEntityType(entity)) return [entity];
  throw new HttpProblem(404, 'unknown_entity', `Unknown entity ${JSON.stringify(entity.slice(0, 64))}; expected all or one of ${entityTypes.join(', ')}`);
}

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `since`: an ISO-8601 date or date-time that exists in the calendar (2025-02-30 is refused, never rolled over). */
function sinceDate(since: unknown): Date {
  const match = typeof since === 'string' ? ISO_DATE_TIME.exec(since.trim()) : null;
  const problem = match ? calendarProblem(match[1]!, match[2], match[3]) : undefined;
  if (problem !== undefined) throw new HttpProblem(400, 'invalid_since', `since ${JSON.stringify(since)} is not a real date: ${problem}`);
  const date = match ? new Date(match[0].replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new HttpProblem(400, 'invalid_since', 'since must be an ISO-8601 date-time, e.g. 2025-06-01T09:00:00+03:00');
  return date;
}

/**
 * `mode` (full|incremental) and `since` (ISO-8601) from the JSON body, else the query; `full: true`
 * (or `?full=true`, as the CLI's --full) is the same as `mode: "full"`.
 */
export function syncOptions(body: unknown, query: Record<string, unknown>): SyncOptions {
  const fromBody = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const pick = (key: string): unknown => (fromBody[key] !== undefined ? fromBody[key] : singleQueryValue(query, key));
  const mode = pick('mode');
  const since = pick('since');
  const fullFlag = pick('full');
  const full = typeof fullFlag === 'boolean' ? fullFlag : flag(typeof fullFlag === 'string' ? fullFlag : fullFlag === undefined ? undefined : '?', 'full');
  const options: SyncOptions = {};
  if (mode !== undefined && mode !== '') {
    if (mode !== 'full' && mode !== 'incremental') throw new HttpProblem(400, 'invalid_mode', 'mode must be full or incremental');
    options.mode = mode;
  }
  if (full === true) {
    if (options.mode === 'incremental') throw new HttpProblem(400, 'invalid_mode', 'full and mode "incremental" contradict each other');
    options.mode = 'full';
  }
  if (since !== undefined && since !== '') {
    options.since = sinceDate(since);
  }
  return options;
}
