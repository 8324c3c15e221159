import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  /** The commit measured, with a note when the work tree differs from it. */
  revision: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  postgres: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAtStart: [number, number, number];
}

/** The server's version through psql when it is installed (the benchmark rows report it too). */
function postgresVersion(databaseUrl: string): string {
  try {
    const out = execFileSync('psql', [databaseUrl, '-tAc', "SELECT 'PostgreSQL ' || current_setting('server_version')"], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim().split(' (')[0] || 'unknown';
  } catch {
    return 'unknown (psql not found)';
  }
}

function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'packages', 'bench'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} with uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(databaseUrl: string): Machine {
  const [one, five, fifteen] = loadavg();
  return {
    revision: revision(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    postgres: postgresVersion(databaseUrl),
    loadAtStart: [one!, five!, fifteen!],
  };
}
