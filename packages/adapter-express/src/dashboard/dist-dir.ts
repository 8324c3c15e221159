import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The dist folder of the installed @tsh/tds-dashboard, found at run time (the adapter's build
 * does not depend on the dashboard's); null when the package is not installed.
 */
export function dashboardDistDir(): string | null {
  try {
    // The CJS build has __filename (its import.meta is empty); the ESM build has import.meta.url.
    const here = typeof __filename === 'string' ? __filename : import.meta.url;
    return join(dirname(createRequire(here).resolve('@tsh/tds-dashboard/package.json')), 'dist');
  } catch {
    return null;
  }
}
