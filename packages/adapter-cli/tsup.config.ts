import { defineConfig, type Options } from 'tsup';

const base: Options = { sourcemap: true, target: 'node20' };

export default defineConfig([
  { ...base, entry: ['src/index.ts'], format: ['esm'], dts: true, clean: true },
  { ...base, entry: ['src/index.ts'], format: ['cjs'], dts: true, noExternal: ['p-queue', 'p-timeout', 'eventemitter3'] },
  { ...base, entry: { cli: 'src/cli.ts' }, format: ['esm'], banner: { js: '#!/usr/bin/env node' } },
]);
