import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig } from '@playwright/test';
import baseConfig from './.config/playwright.config';

/*
 * Specs in tests/ need a real Grafana serving this plugin (the compose stack: `docker compose up`, then
 * `npm run e2e -w plugin`). They are not part of `npm test`: Grafana cannot be installed where Docker Hub is
 * unreachable, and the browser tests under test/integration cover the same components through a harness page.
 */
export default defineConfig<PluginOptions>(baseConfig, {
  // Use a locally installed Chromium when PLAYWRIGHT_CHROMIUM is set instead of a downloaded browser.
  use: process.env.PLAYWRIGHT_CHROMIUM ? { launchOptions: { executablePath: process.env.PLAYWRIGHT_CHROMIUM } } : {},
});
