import * as tdsCore from '@tsh/tds-core';
import type { TdsCore, TdsEnv } from '@tsh/tds-core';

type CreateTdsCore = (options: { config: TdsEnv }) => Promise<TdsCore>;

/**
 * `createTdsCore` of @tsh/tds-core, the one factory that assembles db, Zoho client, queue,
 * workers, healer and health into a TdsCore. Looked up at run time so that this example
 * typechecks against the TdsCore interface alone while the factory is being written.
 */
export async function createCore(config: TdsEnv): Promise<TdsCore> {
  const factory = (tdsCore as unknown as { createTdsCore?: CreateTdsCore }).createTdsCore;
  if (typeof factory !== 'function') throw new Error('@tsh/tds-core does not export createTdsCore yet');
  return factory({ config });
}
