import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An empty working directory for the spawned CLI (its own .env and .tds), removed by the returned function. */
export function makeWorkDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tds-cli-test-'));
  // As root, an embedded PostgreSQL under it runs as OS user postgres, which must traverse it.
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
