import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createScratchDatabase } from './scratch-database';

/**
 * `pgbench -N` (no branch/teller updates: 1 UPDATE, 1 SELECT, 1 INSERT per transaction) with
 * `clients` clients for `seconds` on a scale-10 scratch database of the same server.
 */
export async function pgbenchTps(clients: number, seconds: number): Promise<{ tps: number } | { error: string }> {
  const scratch = await createScratchDatabase('pgbench');
  const run = promisify(execFile);
  const scale = 10;
  try {
    await run('pgbench', ['-i', '-q', '-s', String(scale), scratch.url], { timeout: 120_000 });
    const { stdout } = await run('pgbench', ['-N', '-c', String(clients), '-j', String(clients), '-T', String(seconds), scratch.url], { timeout: (seconds + 60) * 1000 });
    const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
    if (!match) return { error: 'pgbench printed no tps' };
    return { tps: Number(match[1]) };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'pgbench is not installed' : (error as Error).message.split('\n')[0]! };
  } finally {
    await scratch.drop();
  }
}
