import type { QueueOperation, QueueSource } from '../db/schema';
import { QueueInputError, type EnqueueInput } from './types';

const OPERATIONS: readonly QueueOperation[] = ['upsert', 'delete'];
const SOURCES: readonly QueueSource[] = ['webhook', 'sync', 'reconcile', 'manual', 'verify'];
const ENTITY_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;
const ZOHO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:?\d{2})$/;
const INT4_MAX = 2_147_483_647;

/** A row ready for the enqueue statement: every value already a string, number or null. */
export interface NormalizedEnqueue {
  entity_type: string;
  zoho_id: string;
  operation: QueueOperation;
  payload: string | null;
  zoho_last_modified_time: string | null;
  source: QueueSource;
  priority: number;
  run_after: string | null;
  max_retries: number;
}

/** Zoho writes `2025-06-03T14:22:47+0300`; PostgreSQL and Date want the offset with a colon. */
export function normalizeZohoTime(value: Date | string): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  const match = ZOHO_TIME.exec(value.trim());
  if (!match) return undefined;
  const offset = match[3] === 'Z' ? 'Z' : `${match[3].slice(0, 3)}:${match[3].slice(-2)}`;
  const iso = `${match[1]}T${match[2]}${offset}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

function normalizeOne(input: EnqueueInput, at: string, problems: string[]): NormalizedEnqueue | undefined {
  const before = problems.length;
  if (input === null || typeof input !== 'object') {
    problems.push(`${at}: must be an object`);
    return undefined;
  }
  if (typeof input.entity_type !== 'string' || !ENTITY_TYPE.test(input.entity_type)) {
    problems.push(`${at}.entity_type: must be a lower-case name such as "products"`);
  }
  if (typeof input.zoho_id !== 'string' || input.zoho_id.length === 0 || input.zoho_id.length > 256 || input.zoho_id.includes('\u0000')) {
    problems.push(`${at}.zoho_id: must be a non-empty string of at most 256 characters`);
  }
  const operation = input.operation ?? 'upsert';
  if (!OPERATIONS.includes(operation)) problems.push(`${at}.operation: must be "upsert" or "delete"`);
  const source = input.source ?? 'sync';
  if (!SOURCES.includes(source)) problems.push(`${at}.source: must be one of ${SOURCES.join(', ')}`);
  const priority = input.priority ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > INT4_MAX) problems.push(`${at}.priority: must be a whole number`);
  const maxRetries = input.max_retries ?? 5;
  if (!Number.isInteger(maxRetries) || maxRetries < 1 || maxRetries > 1000) problems.push(`${at}.max_retries: must be a whole number from 1 to 1000`);

  let time: string | null = null;
  if (input.zoho_last_modified_time !== undefined && input.zoho_last_modified_time !== null) {
    const parsed =
      typeof input.zoho_last_modified_time === 'string' || input.zoho_last_modified_time instanceof Date
        ? normalizeZohoTime(input.zoho_last_modified_time)
        : undefined;
    if (parsed === undefined) problems.push(`${at}.zoho_last_modified_time: must be a date-time with a UTC offset`);
    else time = parsed;
  }
  let runAfter: string | null = null;
  if (input.run_after !== undefined && input.run_after !== null) {
    if (!(input.run_after instanceof Date) || Number.isNaN(input.run_after.getTime())) problems.push(`${at}.run_after: must be a valid Date`);
    else runAfter = input.run_after.toISOString();
  }

  let payload: string | null = null;
  if (input.payload !== undefined && input.payload !== null) {
    try {
      payload = JSON.stringify(input.payload) ?? null;
    } catch (error) {
      problems.push(`${at}.payload: cannot be written as JSON (${(error as Error).message})`);
    }
    // jsonb cannot hold U+0000 nor an unpaired surrogate (JSON.stringify escapes only those, a
    // paired one is written as the character); refusing beats storing a silently altered record.
    if (payload?.includes('\\u0000')) problems.push(`${at}.payload: contains a NUL character (U+0000), which PostgreSQL cannot store`);
    if (payload !== null && /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/.test(payload)) {
      problems.push(`${at}.payload: contains a broken character (an unpaired UTF-16 surrogate, e.g. half of an emoji), which PostgreSQL cannot store`);
    }
  }
  if (problems.length > before) return undefined;
  return {
    entity_type: input.entity_type,
    zoho_id: input.zoho_id,
    operation,
    payload,
    zoho_last_modified_time: time,
    source,
    priority,
    run_after: runAfter,
    max_retries: maxRetries,
  };
}

/** Checks a whole batch first: one bad event refuses the batch with every problem named, and stores nothing. */
export function normalizeEnqueueInputs(inputs: readonly EnqueueInput[]): NormalizedEnqueue[] {
  if (!Array.isArray(inputs)) throw new QueueInputError(['events: must be an array']);
  const problems: string[] = [];
  const rows = inputs.map((input, index) => normalizeOne(input, `events[${index}]`, problems));
  if (problems.length > 0) throw new QueueInputError(problems);
  return rows as NormalizedEnqueue[];
}

/** Queue ids are int8: accepted as digit strings or safe integers, returned as strings. */
export function normalizeIds(ids: readonly (string | number)[], what = 'ids'): string[] {
  if (!Array.isArray(ids)) throw new QueueInputError([`${what}: must be an array`]);
  const problems: string[] = [];
  const out = ids.map((id, index) => {
    const text = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
    if (typeof text !== 'string' || !/^[1-9]\d{0,18}$/.test(text)) problems.push(`${what}[${index}]: must be a positive integer id`);
    return String(text);
  });
  if (problems.length > 0) throw new QueueInputError(problems);
  return out;
}

export function requireText(value: unknown, what: string, maxLength = 10_000): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
    throw new QueueInputError([`${what}: must be a non-empty string of at most ${maxLength} characters`]);
  }
  return value;
}

export function requirePositive(value: unknown, what: string, { integer = false, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new QueueInputError([`${what}: must be a positive ${integer ? 'whole ' : ''}number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`]);
  }
  return value;
}
