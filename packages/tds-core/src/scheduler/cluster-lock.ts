import type pg from 'pg';

/**
 * Runs `fn` only if no other process of the cluster holds the named lock; returns undefined
 * when it is taken. The lock is a session advisory lock, so a crashed holder frees it.
 */
export async function withClusterLock<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name]);
    if (!rows[0]?.locked) return undefined;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch((e: Error) => (broken = e));
    }
  } finally {
    client.release(broken);
  }
}
