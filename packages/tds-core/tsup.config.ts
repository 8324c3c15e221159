import { defineConfig, type Options } from 'tsup';

// No `clean`: the two builds run in parallel, and cleaning in one could delete the other's output.
// internal.ts is @tsh/tds-core/internal: TDS's own adapters, tests and benchmarks (unstable).
const base: Options = { entry: ['src/index.ts', 'src/internal.ts'], target: 'node20' };

// CJS is split too, so that index and a second entry share one copy of each class (instanceof works
// across them); without it every CJS entry carried its own ZohoApiError, QueueInputError, ... The split
// CJS output keeps import.meta as written, so `shims` gives it import.meta.url.
export default defineConfig([
  { ...base, format: ['esm'], dts: true },
  // p-queue is ESM-only: bundled into the CJS build, or require() gets a namespace instead of the class.
  { ...base, format: ['cjs'], dts: true, splitting: true, shims: true, noExternal: ['p-queue', 'p-timeout', 'eventemitter3'] },
]);
