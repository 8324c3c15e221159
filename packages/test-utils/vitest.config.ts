import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

export default defineProject({
  // Node tests resolve workspace packages to their source through ssr conditions.
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: { name: 'test-utils', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
