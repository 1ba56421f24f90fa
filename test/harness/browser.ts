import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';

/** Where browser tests leave screenshots for people (and CI) to look at. */
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'artifacts');

/** The Debian Chromium, never a downloaded one, with everything that phones home switched off. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return playwright.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
