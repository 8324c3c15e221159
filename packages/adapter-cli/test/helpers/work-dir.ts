import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An empty working directory for the spawned CLI (its own .env and .tds), removed by the returned function. */
export function makeWorkDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tds-cli-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
