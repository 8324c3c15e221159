import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoDir = join(packageDir, '..', '..');
export const cliPath = join(packageDir, 'dist', 'cli.js');
const lockDir = join(packageDir, 'node_modules', '.tds-cli-build.lock');

function newestInput(): number {
  const walk = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
      const path = join(dir, entry.name);
      return Math.max(newest, entry.isDirectory() ? walk(path) : statSync(path).mtimeMs);
    }, 0);
  return Math.max(walk(join(packageDir, 'src')), ...['tsup.config.ts', 'package.json'].map((f) => statSync(join(packageDir, f)).mtimeMs));
}

const isFresh = () => existsSync(cliPath) && statSync(cliPath).mtimeMs >= newestInput();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the CLI (`pnpm --filter @tsh/tds-cli build`, i.e. tsup) when dist/cli.js is missing or
 * older than the sources. A lock directory keeps the test files, which run in parallel, from
 * building at the same time; a lock older than 3 minutes is a leftover of a killed run.
 */
export async function ensureCliBuilt(): Promise<void> {
  if (isFresh()) return;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 180_000) rmSync(lockDir, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (!isFresh()) await promisify(execFile)('npx', ['tsup'], { cwd: packageDir, timeout: 180_000 });
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Per-test budget for tests that spawn the CLI several times (slow when every package's tests run at once on 2 cores). */
export const SPAWN_TIMEOUT_MS = 180_000;
