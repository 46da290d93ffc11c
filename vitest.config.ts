import { defineConfig } from 'vitest/config';

// Two projects: unit + property tests run in parallel; integration tests (Chromium, werift, relays at
// wall-clock rates, ffmpeg) run one file at a time, since they measure timing on a 2-core machine and
// would otherwise disturb each other's figures.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts'], maxWorkers: 2 } },
      // 60 s by default: CLI tests start several Node processes (~1 s each here, ~5 s on a loaded machine).
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], fileParallelism: false, maxWorkers: 1, testTimeout: 60_000 } },
    ],
  },
});
