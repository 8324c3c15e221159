import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Where Debian/Ubuntu packages (chromium, chromium-browser) and Google's put the browser; TDS_CHROMIUM overrides.
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

function findChromium(): string | null {
  const wanted = process.env.TDS_CHROMIUM;
  if (wanted) return existsSync(wanted) ? wanted : null;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ?? null;
}

const FOUND_CHROMIUM = findChromium();

/** The browser the end-to-end tests drive (requireChromium() first: this is only a default path when none was found). */
export const CHROMIUM = FOUND_CHROMIUM ?? CHROMIUM_CANDIDATES[0]!;

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

/**
 * Fails (never skips) when no browser is found: the end-to-end test is part of the suite, and the
 * README's test command says to install one. One message naming the fix.
 */
export function requireChromium(): void {
  if (FOUND_CHROMIUM) return;
  const looked = process.env.TDS_CHROMIUM ? `TDS_CHROMIUM=${process.env.TDS_CHROMIUM}` : CHROMIUM_CANDIDATES.join(', ');
  throw new Error(
    `No Chromium found (looked at ${looked}): the dashboard's end-to-end test drives a real browser. ` +
      'Install it with `apt-get install -y chromium` (as root; .ci/run does this), or point TDS_CHROMIUM at a Chromium or Chrome binary.',
  );
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
