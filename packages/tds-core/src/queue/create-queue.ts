import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { claim, type ClaimOptions } from './claim';
import { clearStuckLocks } from './clear-stuck-locks';
import { complete } from './complete';
import { completeAndClaim } from './complete-and-claim';
import { enqueue, enqueueMany } from './enqueue';
import { fail, failMany } from './fail';
import { listDeadLetters, type ListDeadLettersOptions } from './list-dead-letters';
import { purgeCompleted } from './purge-completed';
import { queueStats } from './queue-stats';
import { reapExpiredLeases } from './reap-expired-leases';
import { release } from './release';
import { renewLeases } from './renew-leases';
import { resolveDeadLetter } from './resolve-dead-letter';
import { retryDeadLetter } from './retry-dead-letter';
import type { BackoffOptions, EnqueueInput, FailureInput } from './types';

export interface QueueOptions {
  /** Retry delays of fail(); default 1, 2, 4, 8, 16 s … ± 20 %. */
  backoff?: BackoffOptions;
}

/** The queue operations bound to one database; each is still one statement file of its own. */
export function createQueue(db: Kysely<Database>, options: QueueOptions = {}) {
  const backoff = options.backoff;
  return {
    enqueue: (event: EnqueueInput) => enqueue(db, event),
    enqueueMany: (events: readonly EnqueueInput[]) => enqueueMany(db, events),
    claim: (claimOptions: ClaimOptions) => claim(db, claimOptions),
    renewLeases: (workerId: string, ids: readonly (string | number)[], leaseSeconds: number) => renewLeases(db, workerId, ids, leaseSeconds),
    complete: (ids: readonly (string | number)[], workerId: string) => complete(db, ids, workerId),
    completeAndClaim: (ids: readonly (string | number)[], claimOptions: ClaimOptions) => completeAndClaim(db, ids, claimOptions),
    fail: (id: string | number, workerId: string, error: unknown, failOptions: { retryable: boolean }) =>
      fail(db, id, workerId, error, { ...failOptions, backoff }),
    failMany: (workerId: string, failures: readonly FailureInput[]) => failMany(db, workerId, failures, { backoff }),
    release: (workerId: string, ids?: readonly (string | number)[]) => release(db, workerId, ids),
    reapExpiredLeases: () => reapExpiredLeases(db),
    listDeadLetters: (listOptions?: ListDeadLettersOptions) => listDeadLetters(db, listOptions),
    retryDeadLetter: (target: string | number | 'all') => retryDeadLetter(db, target),
    resolveDeadLetter: (id: string | number, note: string) => resolveDeadLetter(db, id, note),
    purgeCompleted: (olderThan: Date, batchSize?: number) => purgeCompleted(db, olderThan, batchSize),
    queueStats: () => queueStats(db),
    clearStuckLocks: (olderThanMinutes: number) => clearStuckLocks(db, olderThanMinutes),
  };
}

export type Queue = ReturnType<typeof createQueue>;
