import path from 'node:path';
import type { Page } from 'playwright-core';
import { backfill, cleanBackfill, dailyTraffic, type Backfilled, type KnownSeries } from '../support/backfill.js';
import { chromium, describeWith, prometheus, promtool } from '../support/components.js';
import { TEST_TOKEN } from '../support/sidecar.js';
import { ARTIFACTS } from '../harness/browser.js';
import { startHarnessServer } from '../harness/server.js';
import { startBrowserStack, type BrowserStack } from '../harness/stack.js';

const MINUTE = 60;
const HOUR = 3600;
// Whole hours ending two hours ago: every sample sits in a backfilled block.
const END = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const START = END - 12 * HOUR;
const COUNT = (END - START) / MINUTE + 1;
const SPIKE_AT = END - 3 * HOUR;
const DROP_AT = END - 2 * HOUR;

function traffic(seed: number, change: (t: number, v: number) => number): KnownSeries {
  return {
    metric: 'ntma_harness_receive_bytes',
    labels: { device: seed === 1 ? 'eth0' : 'eth1', instance: 'harness' },
    start: START,
    step: MINUTE,
    values: dailyTraffic(COUNT, MINUTE, START, seed).map((v, i) => change(START + i * MINUTE, v)),
  };
}

const SERIES = [
  traffic(1, (t, v) => (t === SPIKE_AT ? v + 1500 : v)),
  traffic(2, (t, v) => (t === DROP_AT ? v - 900 : v)),
];

// The panel exactly as a dashboard would query it: the last 12 h of the two devices at a 1-minute step.
const PANEL = `?view=panel&query=ntma_harness_receive_bytes&from=${START}&to=${END}&step=60&legend=device`;
const BAND = '[data-testid="data-testid ntma-band"]';
const MARK = '[data-testid="data-testid ntma-anomaly-mark"]';

describeWith(
  [chromium, prometheus, promtool],
  'the anomaly-bands panel in Chromium (harness, real sidecar and Prometheus)',
  () => {
    let data: Backfilled;
    let stack: BrowserStack;

    beforeAll(async () => {
      data = await backfill(SERIES);
      stack = await startBrowserStack({
        prometheus: { storageDir: data.storageDir },
        sidecarEnv: { NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000' },
      });
    }, 300_000);

    afterAll(async () => {
      await stack?.close();
      if (data) cleanBackfill(data);
    });

    async function open(query: string): Promise<Page> {
      const page = await stack.browser.newPage({ viewport: { width: 1040, height: 520 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${stack.harness.url}/${query}`);
      await page.waitForSelector('[data-harness-ready="true"]', { timeout: 30_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; page errors: ${errors.join('; ') || 'none'}`);
      });
      return page;
    }

    it.each(['dark', 'light'])(
      'draws each series with its own band and marks the anomalies (%s theme)',
      async (theme) => {
        const page = await open(`${PANEL}&theme=${theme}`);
        await page.waitForSelector(BAND, { timeout: 90_000 });
        await page.waitForSelector('[data-testid="data-testid ntma-panel-loading"]', {
          state: 'detached',
          timeout: 90_000,
        });

        const bands = await page.$$eval(BAND, (paths) =>
          paths.map((p) => ({ series: p.getAttribute('data-series'), d: p.getAttribute('d') ?? '' })),
        );
        expect(bands.map((b) => b.series).sort()).toEqual(['eth0', 'eth1']);
        for (const band of bands) {
          // A closed area: upper edge out, lower edge back, over a few hundred points.
          expect(band.d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){100,}Z/);
        }
        const marks = await page.$$eval(MARK, (circles) =>
          circles.map((c) => ({
            kind: c.getAttribute('data-kind'),
            title: c.querySelector('title')?.textContent ?? '',
          })),
        );
        expect(marks.some((m) => m.kind === 'spike' && m.title.includes('eth0'))).toBe(true);
        expect(marks.some((m) => m.kind === 'drop' && m.title.includes('eth1'))).toBe(true);
        expect(await page.textContent('[data-testid="data-testid ntma-legend"]')).toMatch(/eth0.*eth1/);
        expect(await page.$('[data-testid="data-testid ntma-panel-error"]')).toBeNull();

        await page.locator('.harness-panel').screenshot({ path: path.join(ARTIFACTS, `plugin-panel-${theme}.png`) });
        await page.close();
      },
    );

    it('shows the tooltip with actual, forecast, band and score', async () => {
      const page = await open(`${PANEL}&theme=dark`);
      await page.waitForSelector(BAND, { timeout: 90_000 });
      const area = page.locator('[data-testid="data-testid ntma-hover-area"]');
      const box = (await area.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2);

      const tooltip = await page.textContent('[data-testid="data-testid ntma-tooltip"]');
      expect(tooltip).toMatch(/actual\s*forecast\s*band\s*score/);
      expect(tooltip).toMatch(/eth0.*\d.*–.*\d/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'plugin-panel-tooltip.png') });
      await page.close();
    });

    it("shows the sidecar's own error message, naming the field, when it refuses the request", async () => {
      // 0.5 is below the 0.8 the sidecar accepts; the panel's slider prevents it, the URL does not.
      const page = await open(`${PANEL}&theme=dark&confidence=0.5`);
      const error = page.locator('[data-testid="data-testid ntma-panel-error"]');
      await error.waitFor({ timeout: 60_000 });

      expect(await error.textContent()).toMatch(/Bands unavailable.*confidence/);
      // The series are still drawn without bands.
      expect(await page.locator('[data-testid="data-testid ntma-series"]').count()).toBe(2);
      expect(await page.locator(BAND).count()).toBe(0);
      await page.locator('.harness-panel').screenshot({ path: path.join(ARTIFACTS, 'plugin-panel-error.png') });
      await page.close();
    });

    it('explains an unreachable sidecar', async () => {
      const offline = await startHarnessServer({
        dist: path.join(__dirname, '..', 'harness', 'dist'),
        sidecarUrl: 'http://127.0.0.1:9',
        apiToken: TEST_TOKEN,
        prometheusUrl: stack.prom.url,
      });
      try {
        const page = await stack.browser.newPage();
        await page.goto(`${offline.url}/${PANEL}&theme=dark`);
        const error = page.locator('[data-testid="data-testid ntma-panel-error"]');
        await error.waitFor({ timeout: 60_000 });
        expect(await error.textContent()).toContain('the sidecar is not reachable through Grafana (HTTP 502)');
        await page.close();
      } finally {
        await offline.close();
      }
    });
  },
);
