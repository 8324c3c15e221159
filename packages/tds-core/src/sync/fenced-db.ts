import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The same database, except that every transaction opened through it first runs `verify` (and
 * fails if it throws). Appliers take a `Kysely` and open their own transactions, so handing them
 * this one puts the run lock's check inside each of their writes without changing them.
 */
export function fencedDb(db: Kysely<Database>, verify: (tx: Transaction<Database>) => Promise<void>): Kysely<Database> {
  const transaction = () => {
    let builder = db.transaction();
    const fenced = {
      setIsolationLevel(level: Parameters<typeof builder.setIsolationLevel>[0]) {
        builder = builder.setIsolationLevel(level);
        return fenced;
      },
      setAccessMode(mode: Parameters<typeof builder.setAccessMode>[0]) {
        builder = builder.setAccessMode(mode);
        return fenced;
      },
      execute<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
        return builder.execute(async (tx) => {
          await verify(tx);
          return work(tx);
        });
      },
    };
    return fenced;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      // Kysely keeps its state in private fields: its methods must run on the real instance.
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
