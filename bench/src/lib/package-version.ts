import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The installed version of a dependency of this package (read from its package.json). */
export function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}
