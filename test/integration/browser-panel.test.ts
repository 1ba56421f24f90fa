import path from 'node:path';
import type { Page } from 'playwright-core';
import type { BandsAnswer } from '@ntma/contract';
import { dailyTraffic, type KnownSeries } from '../support/backfill.js';
import { chromium, describeWith, prometheus, promtool } from '../support/components.js';
import { TEST_TOKEN } from '../support/sidecar.js';
import { ARTIFACTS } from '../harness/browser.js';
import { startHarnessServer } from '../harness/server.js';
import { startBackfilledBrowserStack, type BrowserStack } from '../harness/stack.js';

/** The README's screenshots are these, written to docs/screenshots only with NTMA_SCREENSHOTS=docs. */
const SHOTS =
  process.env.NTMA_SCREENSHOTS === 'docs' ? path.join(__dirname, '..', '..', 'docs', 'screenshots') : ARTIFACTS;
const MINUTE = 60;
const HOUR = 3600;
// Whole hours ending two hours ago: every sample sits in a backfilled block.
const END = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const START = END - 12 * HOUR;
// Two days of history before the panel's range: what the sidecar trains the full-range band on.
const HISTORY = START - 2 * 24 * HOUR;
const COUNT = (END - HISTORY) / MINUTE + 1;
const COUNT_VISIBLE = (END - START) / MINUTE + 1;
const SPIKE_AT = END - 3 * HOUR;
const DROP_AT = END - 2 * HOUR;

function traffic(seed: number, change: (t: number, v: number) => number): KnownSeries {
  return {
    metric: 'ntma_harness_receive_bytes',
    labels: { device: seed === 1 ? 'eth0' : 'eth1', instance: 'harness' },
    start: HISTORY,
    step: MINUTE,
    values: dailyTraffic(COUNT, MINUTE, HISTORY, seed).map((v, i) => change(HISTORY + i * MINUTE, v)),
  };
}

const SERIES = [
  traffic(1, (t, v) => (t === SPIKE_AT ? v + 1500 : v)),
  // eth1 carries less than half of eth0's traffic, so the two bands lie apart.
  traffic(2, (t, v) => (t === DROP_AT ? 0.45 * v - 400 : 0.45 * v)),
];

// The panel exactly as a dashboard would query it: the last 12 h of the two devices at a 1-minute step.
const PANEL = `?view=panel&query=ntma_harness_receive_bytes&from=${START}&to=${END}&step=60&legend=device`;
const BAND = '[data-testid="data-testid ntma-band"]';
const MARK = '[data-testid="data-testid ntma-anomaly-mark"]';

describeWith(
  [chromium, prometheus, promtool],
  'the anomaly-bands panel in Chromium (harness, real sidecar and Prometheus)',
  () => {
    let stack: BrowserStack;

    beforeAll(async () => {
      stack = await startBackfilledBrowserStack(SERIES);
    }, 300_000);

    afterAll(async () => {
      await stack?.close();
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
        await page.waitForSelector(BAND, { state: 'attached', timeout: 90_000 });
        await page.waitForSelector('[data-testid="data-testid ntma-panel-loading"]', {
          state: 'detached',
          timeout: 90_000,
        });

        // Grafana's chart (uPlot's canvas) in the theme's colours, each band over every visible point.
        expect(await page.locator('.harness-panel canvas').count()).toBeGreaterThan(0);
        const bands = await page.$$eval(BAND, (spans) =>
          spans.map((b) => ({
            series: b.getAttribute('data-series'),
            first: Number(b.getAttribute('data-first')),
            last: Number(b.getAttribute('data-last')),
            banded: Number(b.getAttribute('data-banded')),
            points: Number(b.getAttribute('data-points')),
          })),
        );
        expect(bands.map((b) => b.series).sort()).toEqual(['eth0', 'eth1']);
        for (const band of bands) {
          expect(band).toEqual({ ...band, first: START, last: END, banded: COUNT_VISIBLE, points: COUNT_VISIBLE });
        }
        const marks = await page.$$eval(MARK, (dots) =>
          dots.map((d) => ({
            kind: d.getAttribute('data-kind'),
            t: Number(d.getAttribute('data-t')),
            series: d.getAttribute('data-series'),
            title: d.getAttribute('title') ?? '',
          })),
        );
        expect(marks.some((m) => m.kind === 'spike' && m.series === 'eth0' && m.t === SPIKE_AT)).toBe(true);
        expect(marks.some((m) => m.kind === 'drop' && m.series === 'eth1' && m.t === DROP_AT)).toBe(true);
        expect(marks.find((m) => m.t === SPIKE_AT)?.title).toMatch(/^Spike · eth0 · score/);
        // Grafana's legend names the series; the info row below names the kinds marked.
        expect(await page.locator('.harness-panel').textContent()).toMatch(/eth0.*eth1/);
        expect(await page.textContent('[data-testid="data-testid ntma-legend"]')).toMatch(/Drop.*Spike/);
        expect(await page.$('[data-testid="data-testid ntma-panel-error"]')).toBeNull();
        // The page is in the theme Grafana's GlobalStyles set (test code has no DOM types: read the style here).
        const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
        expect(background).toBe(theme === 'dark' ? 'rgb(17, 18, 23)' : 'rgb(251, 251, 251)');

        await page.locator('.harness-panel').screenshot({ path: path.join(SHOTS, `anomaly-bands-panel-${theme}.png`) });
        await page.close();
      },
    );

    it("bands every visible point, trained on the sidecar's Prometheus history before the range", async () => {
      // Listening from before the page loads, so every request it makes is seen once.
      const page = await stack.browser.newPage({ viewport: { width: 1040, height: 520 } });
      const answers: BandsAnswer[] = [];
      const urls: string[] = [];
      page.on('response', (response) => {
        urls.push(new URL(response.url()).pathname);
        if (response.url().endsWith('/api/v1/bands') && response.ok())
          void response.json().then((body: BandsAnswer) => answers.push(body));
      });
      await page.goto(`${stack.harness.url}/${PANEL}&theme=dark`);
      await page.waitForSelector(BAND, { state: 'attached', timeout: 90_000 });
      for (let i = 0; i < 50 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 100));

      expect(urls.filter((u) => u.includes('/api/v1/bands'))).toEqual([
        '/api/plugin-proxy/ntma-anomaly-app/sidecar/api/v1/bands',
      ]);
      expect(answers).toHaveLength(1);
      const answer = answers[0]!;
      expect(answer.train.end).toBeLessThanOrEqual(START);
      const visible = Array.from({ length: (END - START) / MINUTE + 1 }, (_, i) => START + i * MINUTE);
      expect(answer.series.map((one) => one.labels.device).sort()).toEqual(['eth0', 'eth1']);
      for (const one of answer.series) {
        expect(one.error).toBeUndefined();
        expect(one.timestamps).toEqual(visible);
        const unbanded = visible.filter((_, i) => one.lower[i] === null || one.upper[i] === null);
        expect(unbanded).toEqual([]);
      }
      expect(await page.$('[data-testid="data-testid ntma-panel-training-notice"]')).toBeNull();
      await page.close();
    });

    it('falls back to the points it has for another datasource and says the band starts after its training part', async () => {
      const page = await open(`${PANEL}&theme=dark&datasource=elsewhere`);
      const notice = page.locator('[data-testid="data-testid ntma-panel-training-notice"]');
      await notice.waitFor({ timeout: 60_000 });
      expect(await notice.textContent()).toMatch(
        /band starts after its training part.*not a PromQL query on the sidecar's Prometheus/,
      );
      // Trained on the first half of the points, banded over the second.
      const band = page.locator(BAND).first();
      await band.waitFor({ state: 'attached', timeout: 90_000 });
      expect(Number(await band.getAttribute('data-first'))).toBeGreaterThan(START + 5 * HOUR);
      expect(Number(await band.getAttribute('data-banded'))).toBeLessThan(COUNT_VISIBLE);
      await page.close();
    });

    it('shows the forecast, bounds and kind of a hovered mark, and zooms the dashboard time on a drag', async () => {
      const page = await open(`${PANEL}&theme=dark`);
      await page.waitForSelector(BAND, { state: 'attached', timeout: 90_000 });
      await page.waitForSelector('[data-testid="data-testid ntma-panel-loading"]', {
        state: 'detached',
        timeout: 90_000,
      });
      const spike = page.locator(`${MARK}[data-t="${SPIKE_AT}"][data-series="eth0"]`);
      const mark = (await spike.boundingBox())!;
      await page.mouse.move(mark.x + mark.width / 2, mark.y + mark.height / 2);

      const tooltip = page.locator('[data-testid="data-testid ntma-tooltip"]');
      await tooltip.waitFor({ timeout: 10_000 });
      const text = (await tooltip.textContent()) ?? '';
      expect(text).toMatch(/actual\s*forecast\s*band\s*score\s*kind/);
      expect(text).toContain(new Date(SPIKE_AT * 1000).toISOString().slice(11, 16));
      // eth0's row: actual, forecast, lower – upper, score, and the kind the sidecar named.
      const row = await tooltip.locator('tr', { hasText: 'eth0' }).textContent();
      expect(row).toMatch(/^eth0[\d.]+ k?B\/s[\d.]+ k?B\/s[\d.]+ k?B\/s – [\d.]+ k?B\/s0\.\d{4}Spike$/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'plugin-panel-tooltip.png') });

      // A drag across the plot asks the dashboard for that range (Grafana's onChangeTimeRange).
      const plot = (await page.locator('.harness-panel .u-over').boundingBox())!;
      const y = plot.y + plot.height / 2;
      await page.mouse.move(plot.x + plot.width * 0.25, y);
      await page.mouse.down();
      await page.mouse.move(plot.x + plot.width * 0.5, y, { steps: 5 });
      await page.mouse.move(plot.x + plot.width * 0.75, y, { steps: 5 });
      await page.mouse.up();
      const zoomed = page.locator('[data-testid="harness-time-range"]');
      await zoomed.waitFor({ timeout: 10_000 });
      const from = Number(await zoomed.getAttribute('data-from')) / 1000;
      const to = Number(await zoomed.getAttribute('data-to')) / 1000;
      const span = END - START;
      expect(Math.abs(from - (START + span * 0.25))).toBeLessThan(span * 0.02);
      expect(Math.abs(to - (START + span * 0.75))).toBeLessThan(span * 0.02);
      await page.close();
    });

    it("shows the sidecar's own error message, naming the field, when it refuses the request", async () => {
      // 0.5 is below the 0.8 the sidecar accepts; the panel's slider prevents it, the URL does not.
      const page = await open(`${PANEL}&theme=dark&confidence=0.5`);
      const error = page.locator('[data-testid="data-testid ntma-panel-error"]');
      await error.waitFor({ timeout: 60_000 });

      expect(await error.textContent()).toMatch(/Bands unavailable.*confidence/);
      // The series are still drawn (Grafana's legend names them), without bands.
      expect(await page.locator('.harness-panel canvas').count()).toBeGreaterThan(0);
      expect(await page.locator('.harness-panel').textContent()).toMatch(/eth0.*eth1/);
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
