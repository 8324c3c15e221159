import { defineConfig } from 'vitest/config';
// vitest 4 ignores vitest.workspace.ts on its own; it is imported here so the list lives in one place.
import projects from './vitest.workspace.ts';

export default defineConfig({
  test: { projects, reporters: ['default', './scripts/summary-reporter.ts'] },
});
