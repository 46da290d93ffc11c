import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests drive browsers and subprocesses: keep them from fighting for 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
