import { defineConfig, type Options } from 'tsup';

// internal.ts is @tsh/zoho-client/internal: TDS's own packages, tests and benchmarks (unstable).
const base: Options = { entry: ['src/index.ts', 'src/internal.ts'], target: 'node20' };

// No `clean`: the two builds run in parallel, and cleaning in one could delete the other's output
// (or the files a concurrently running test is importing). Each build overwrites its own files.
// CJS is split too, so that index and a second entry share one copy of each class (instanceof works
// across them); without it every CJS entry carried its own ZohoApiError, QueueInputError, ...
export default defineConfig([
  { ...base, format: ['esm'], dts: true },
  // p-queue is ESM-only: bundled into the CJS build, or require() gets a namespace instead of the class.
  { ...base, format: ['cjs'], dts: true, splitting: true, noExternal: ['p-queue', 'p-timeout', 'eventemitter3'] },
]);
