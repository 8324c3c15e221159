/**
 * The run's lock on its entity is gone: its connection closed (the database restarted, a proxy cut
 * it, someone ran pg_terminate_backend) or a newer run took the entity over. The run stops before
 * writing anything more; the next run resumes from the cursor this one saved.
 */
export class RunLockLostError extends Error {
  readonly retryable = true;
  constructor(entity: string, detail: string) {
    super(`the sync run lock of ${entity} was lost (${detail}); the run stopped before writing more, and the next run resumes from its last checkpoint`);
    this.name = 'RunLockLostError';
  }
}
