import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { retryDeadLetter, type RetriedDeadLetter } from '../queue/retry-dead-letter';
import { selectOpenDeadLetters } from './sql/select-dead-letters';
import { HealerInputError, type DeadLetterReplayFilter, type DeadLetterReplayResult } from './types';

const ID = /^[1-9]\d{0,18}$/;

function validDate(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new HealerInputError(`${name} must be a valid Date`);
  return value;
}

/**
 * Sends open dead letters back to the queue with a fresh retry count. Either every open entry
 * (`all: true`, one statement) or the entries matching the given criteria. An empty filter is
 * refused so that nothing is replayed by accident.
 */
export async function replayDeadLetters(db: Kysely<Database>, filter: DeadLetterReplayFilter): Promise<DeadLetterReplayResult> {
  if (filter === null || typeof filter !== 'object') throw new HealerInputError('replay filter must be an object');
  const ids = filter.ids?.map((id) => String(id));
  if (ids && (ids.length === 0 || ids.some((id) => !ID.test(id)))) throw new HealerInputError('ids must be a non-empty list of positive integer ids');
  if (filter.entityType !== undefined && (typeof filter.entityType !== 'string' || filter.entityType.trim() === '')) {
    throw new HealerInputError('entityType must be a non-empty string');
  }
  if (filter.errorContains !== undefined && (typeof filter.errorContains !== 'string' || filter.errorContains === '')) {
    throw new HealerInputError('errorContains must be a non-empty string');
  }
  const failedBefore = validDate(filter.failedBefore, 'failedBefore');
  const failedAfter = validDate(filter.failedAfter, 'failedAfter');
  const limit = filter.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HealerInputError('limit must be a whole number from 1 to 10000');
  const criteria = ids !== undefined || filter.entityType !== undefined || filter.errorContains !== undefined || failedBefore || failedAfter;
  if (!criteria && filter.all !== true) throw new HealerInputError('say which dead letters to replay (ids, entityType, errorContains, failedBefore/After) or pass all: true');

  let entries: RetriedDeadLetter[];
  if (!criteria) {
    entries = await retryDeadLetter(db, 'all');
  } else {
    const selected = await selectOpenDeadLetters(db, { ids, entityType: filter.entityType, errorContains: filter.errorContains, failedBefore, failedAfter, limit });
    entries = [];
    // One statement per entry: retryDeadLetter takes one id (or all); each still coalesces with pending work.
    for (const id of selected) entries.push(...(await retryDeadLetter(db, id)));
  }
  return { replayed: entries.length, entries: entries.map((e) => ({ id: e.id, queue_id: e.queue_id })) };
}
