import type { Kysely } from 'kysely';
import type { ZohoClient } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import type { Database } from '../db/schema';

/**
 * What one verify pass reads with: the database (SELECT only), Zoho through the core's client (its
 * shared rate limiter and token), the apply path's mapping options, and memos so that entities
 * checked together read each Zoho record once (products and stock share their items, products and
 * price lists their price books).
 */
export interface VerifyEnv {
  db: Kysely<Database>;
  zoho: ZohoClient;
  ctx: ApplyContext;
  random: () => number;
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export function createVerifyEnv(deps: Pick<VerifyEnv, 'db' | 'zoho' | 'ctx'> & { random?: () => number }): VerifyEnv {
  const memos = new Map<string, Promise<unknown>>();
  return {
    ...deps,
    random: deps.random ?? Math.random,
    memo<T>(key: string, load: () => Promise<T>): Promise<T> {
      let found = memos.get(key) as Promise<T> | undefined;
      if (!found) {
        found = load();
        memos.set(key, found);
      }
      return found;
    },
  };
}
