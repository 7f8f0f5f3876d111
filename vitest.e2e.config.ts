import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    // Each test file's temp folders live in one that is removed when the file ends.
    setupFiles: ['src/main/test-support/temp-root.ts'],
    // One browser and one host at a time: these machines have two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
