import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { dirname } from 'node:path';

const pluginE2eAuth = `${dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;

/*
 * Specs in tests/ need a real Grafana serving this plugin (the compose stack: `docker compose up`, then
 * `npm run e2e -w plugin`). They are not part of `npm test`: Grafana cannot be installed where Docker Hub is
 * unreachable, and the browser tests under test/integration cover the same components through a harness page.
 * This is create-plugin's generated setup (it keeps none under .config/), with a local Chromium allowed.
 */
export default defineConfig<PluginOptions>({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 2 : 0,
  reporter: 'list',
  use: {
    baseURL: process.env.GRAFANA_URL || 'http://localhost:3000',
    trace: 'on-first-retry',
    // Use a locally installed Chromium when PLAYWRIGHT_CHROMIUM is set instead of a downloaded browser.
    ...(process.env.PLAYWRIGHT_CHROMIUM ? { launchOptions: { executablePath: process.env.PLAYWRIGHT_CHROMIUM } } : {}),
  },
  projects: [
    // Logs in once as admin and stores the cookie for the other projects.
    { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], storageState: 'playwright/.auth/admin.json' },
      dependencies: ['auth'],
    },
  ],
});
