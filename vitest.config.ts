import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'extension/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test-support/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Brings the CLI bundle up to date once, so no test sees bin/ferry.js rebuild it.
    globalSetup: ['test-support/cli-bundle-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers and child processes; two cores means a small pool.
    maxWorkers: 2,
    server: { deps: { inline: ['electron-store'] } },
  },
});
