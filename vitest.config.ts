import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Each test file's temp folders live in one that is removed when the file ends.
    setupFiles: ['src/main/test-support/temp-root.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
