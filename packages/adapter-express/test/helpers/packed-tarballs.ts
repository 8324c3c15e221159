import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * The packages a service embedding TDS installs. The tsup packages build from a clean dist in
 * their `prepack` script (old hashed chunks would otherwise ride along); the dashboard is built
 * here when its build is older than its sources, `output` being the file its build writes last.
 */
export const EMBEDDING_PACKAGES = [
  { dir: 'zoho-client', name: '@tsh/zoho-client', output: null, build: null },
  { dir: 'tds-core', name: '@tsh/tds-core', output: null, build: null },
  { dir: 'adapter-express', name: '@tsh/tds-express', output: null, build: null },
  { dir: 'dashboard', name: '@tsh/tds-dashboard', output: 'dist/index.html', build: ['vite', 'build'] },
] as const;

type EmbeddingPackage = (typeof EMBEDDING_PACKAGES)[number];

const packageDir = (pkg: EmbeddingPackage) => join(repoDir, 'packages', pkg.dir);

function newestInput(dir: string): number {
  const walk = (path: string): number =>
    readdirSync(path, { withFileTypes: true }).reduce((newest, entry) => {
      const child = join(path, entry.name);
      return Math.max(newest, entry.isDirectory() ? walk(child) : statSync(child).mtimeMs);
    }, 0);
  const configs = ['package.json', 'tsup.config.ts', 'vite.config.ts', 'index.html'].map((f) => join(dir, f)).filter(existsSync);
  return Math.max(walk(join(dir, 'src')), ...configs.map((f) => statSync(f).mtimeMs));
}

const isFresh = (pkg: EmbeddingPackage) => {
  if (pkg.output === null) return true;
  const output = join(packageDir(pkg), pkg.output);
  return existsSync(output) && statSync(output).mtimeMs >= newestInput(packageDir(pkg));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the packages that do not build when packed, when their build is older than their
 * sources. A lock directory keeps two test
 * runs from building at once; one older than 10 minutes is a leftover of a killed run.
 */
export async function ensureBuilt(): Promise<void> {
  if (EMBEDDING_PACKAGES.every(isFresh)) return;
  const lockDir = join(repoDir, 'node_modules', '.tds-packed-build.lock');
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 600_000) rmSync(lockDir, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    for (const pkg of EMBEDDING_PACKAGES) {
      if (!isFresh(pkg) && pkg.build) await run('npx', pkg.build, { cwd: packageDir(pkg), timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    }
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * `pnpm pack` of each package into `destination`, in dependency order (each prepack build reads
 * the declarations of the packages before it); workspace: versions become real ones. The
 * tarball paths by package name.
 */
export async function packAll(destination: string): Promise<Record<EmbeddingPackage['name'], string>> {
  const tarballs = {} as Record<EmbeddingPackage['name'], string>;
  for (const pkg of EMBEDDING_PACKAGES) {
    const { stdout } = await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', destination], { cwd: packageDir(pkg), timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    const tarball = stdout.trim().split('\n').pop()!.trim();
    if (!tarball.endsWith('.tgz') || !existsSync(tarball)) throw new Error(`pnpm pack of ${pkg.name} wrote no tarball: ${stdout}`);
    tarballs[pkg.name] = tarball;
  }
  return tarballs;
}

/** The README's embedding snippet, as written: the ts block after its marker comment. */
export function readmeEmbeddingSnippet(readme: string): string {
  const marker = readme.indexOf('<!-- embedding-snippet');
  if (marker < 0) throw new Error('README.md has no embedding-snippet marker');
  const start = readme.indexOf('```ts\n', marker) + '```ts\n'.length;
  return readme.slice(start, readme.indexOf('\n```', start) + 1);
}
