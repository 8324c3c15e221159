import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails (never skips) when the browser is missing: the end-to-end test is part of the suite. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the dashboard's end-to-end test needs a real browser. Install it with \`apt-get install -y chromium\` (.ci/run does this).`);
  }
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the dashboard (vite build) when dist/ is missing or older than its sources; returns whether it built. */
export function ensureDashboardBuilt(packageDir: string): boolean {
  const index = join(packageDir, 'dist', 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(packageDir, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return false;
  execFileSync(join(packageDir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: packageDir, stdio: 'pipe' });
  return true;
}
