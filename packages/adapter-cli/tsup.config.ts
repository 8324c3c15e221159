import { defineConfig, type Options } from 'tsup';

const base: Options = { target: 'node20' };

// No `clean`: the builds run in parallel, and cleaning in one could delete another's output
// (or the dist/cli.js a concurrently running test is spawning). Each build overwrites its own files.
export default defineConfig([
  { ...base, entry: ['src/index.ts'], format: ['esm'], dts: true },
  { ...base, entry: ['src/index.ts'], format: ['cjs'], dts: true, noExternal: ['p-queue', 'p-timeout', 'eventemitter3'] },
  { ...base, entry: { cli: 'src/cli.ts' }, format: ['esm'], banner: { js: '#!/usr/bin/env node' } },
]);
