import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
// vitest 4 ignores vitest.workspace.ts on its own; it is imported here so the list lives in one place.
import projects from './vitest.workspace.ts';

export default defineConfig({
  test: {
    projects,
    reporters: ['default', './scripts/summary-reporter.ts'],
    // Most test files wait on PostgreSQL, HTTP servers and child processes rather than compute, and each
    // has a database and ports of its own (test-utils), so two run at once even on two cores (vitest's
    // default there is one): the suite takes ~13 minutes on the CI machine instead of ~22.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
