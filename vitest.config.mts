import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'emulator/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Emulator suites each start their own in-memory emulator; files run in parallel workers.
    pool: 'forks',
    // The page tests' compiled mini-program, built once before any worker starts.
    globalSetup: ['tests/setup/compiled-miniprogram.ts'],
  },
});
