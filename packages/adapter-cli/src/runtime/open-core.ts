import { createTdsCore, type CreateTdsCoreOptions, type TdsCore } from '@tsh/tds-core';

/** What the CLI passes to createTdsCore: the validated environment, its logger, and flags. */
export type OpenCoreOptions = Pick<CreateTdsCoreOptions, 'config' | 'logger' | 'migrate' | 'schedule' | 'claimBindingAs' | 'zoho'>;

/**
 * The core (database, shared Zoho access, queue, workers, sync, healer, health) for one command.
 * Without DATABASE_URL the CLI asks for the embedded PostgreSQL under TDS_DATA_DIR: a library
 * caller has to ask for it itself (docs/embedding.md).
 */
export function openCore(options: OpenCoreOptions): Promise<TdsCore> {
  return createTdsCore({ ...options, ...(options.config.DATABASE_URL === undefined ? { database: { embedded: true } } : {}) });
}
