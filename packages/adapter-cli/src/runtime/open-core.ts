import { createTdsCore, type CreateTdsCoreOptions, type TdsCore } from '@tsh/tds-core';

/** What the CLI passes to createTdsCore: the validated environment, its logger, and flags. */
export type OpenCoreOptions = Pick<CreateTdsCoreOptions, 'config' | 'logger' | 'migrate' | 'schedule' | 'claimBindingAs' | 'zoho'>;

/** The core (database, shared Zoho access, queue, workers, sync, healer, health) for one command. */
export function openCore(options: OpenCoreOptions): Promise<TdsCore> {
  return createTdsCore(options);
}
