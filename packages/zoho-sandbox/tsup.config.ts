import { defineConfig, type Options } from 'tsup';

// Two entries: the HTTP server (no msw needed) and the msw handlers (`@tsh/zoho-sandbox/msw`).
// No `clean`: the two builds run in parallel, and cleaning in one could delete the other's output.
const base: Options = { entry: ['src/index.ts', 'src/msw.ts'], target: 'node20', external: ['msw'] };

// CJS is split too, so that index and a second entry share one copy of each class (instanceof works
// across them); without it every CJS entry carried its own ZohoApiError, QueueInputError, ...
export default defineConfig([
  { ...base, format: ['esm'], dts: true },
  { ...base, format: ['cjs'], dts: true, splitting: true },
]);
