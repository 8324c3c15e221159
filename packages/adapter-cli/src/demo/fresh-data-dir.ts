import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../runtime/cli-error';

function runningPostgresPid(pgDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!(pid > 0)) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Deletes the previous demo's data so each demo starts from an empty database. */
export async function freshDemoDataDir(dataDir: string): Promise<void> {
  const pid = runningPostgresPid(join(dataDir, 'pg'));
  if (pid !== undefined) {
    throw new CliError(`the demo database in ${dataDir} is still in use by PostgreSQL process ${pid} (another demo running?); stop it or delete ${dataDir}`);
  }
  await rm(dataDir, { recursive: true, force: true });
}
