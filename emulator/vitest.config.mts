// The package's own test run (`npm test` in emulator/); the repository's vitest.config.mts runs the
// same suites as part of the whole test run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each suite starts its own in-memory emulator; files run in parallel workers.
    pool: 'forks',
  },
});
