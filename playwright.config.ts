import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium';

const browser = {
  browserName: 'chromium' as const,
  launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
};

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Two shared cores: one worker keeps the real engine and Chromium from starving each other.
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', ...browser },
  projects: [
    { name: 'demo', testMatch: 'demo/**/*.spec.ts', use: browser },
    { name: 'host', testMatch: 'host/**/*.spec.ts', use: browser },
    // A clean clone installed into an empty HOME (about a minute of npm install).
    { name: 'first-run', testMatch: 'first-run/**/*.spec.ts', use: browser },
    // Launches its own persistent Chromium with the extension loaded.
    { name: 'extension', testMatch: /e2e\/extension\/.*\.spec\.ts$/ },
    { name: 'electron', testMatch: 'electron-smoke.spec.ts' },
  ],
});
