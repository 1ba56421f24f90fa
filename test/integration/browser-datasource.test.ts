/**
 * The NTMA bands data source in Chromium: the real data source (through the harness's proxy at the app's proxy
 * path) asks the real sidecar for bands over a Prometheus backfilled with a known daily cycle, a spike and a
 * drop; the sidecar trains on the day before the range. Its frames, through Grafana's field-config processing,
 * are drawn by @grafana/ui's TimeSeries, the uPlot chart Grafana's time series panel is built on. The band must
 * cover every point of the range, carry the fill config, and visibly fill: the same frames drawn without the fill
 * config paint far fewer pixels. Light and dark screenshots go to artifacts/, or docs/screenshots/ with
 * NTMA_SCREENSHOTS=docs.
 */
import path from 'node:path';
import type { DataFrame, DataQueryResponse } from '@grafana/data';
import type { Page } from 'playwright-core';
import { KIND_COLORS } from '@ntma/contract';
import { dailyTraffic, type KnownSeries } from '../support/backfill.js';
import { chromium, describeWith, prometheus, promtool } from '../support/components.js';
import { ARTIFACTS } from '../harness/browser.js';
import { startBackfilledBrowserStack, type BrowserStack } from '../harness/stack.js';

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = process.env.NTMA_SCREENSHOTS === 'docs' ? path.join(ROOT, 'docs', 'screenshots') : ARTIFACTS;
const MINUTE = 60;
const HOUR = 3600;
// Whole hours ending two hours ago: every sample sits in a backfilled block.
const END = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const START = END - 6 * HOUR;
const TRAIN = '1d';
// The training day, the alignment slack before it, and the range.
const HISTORY_START = START - 26 * HOUR;
const COUNT = (END - HISTORY_START) / MINUTE + 1;
const SPIKE_AT = END - 2 * HOUR;
const DROP_AT = END - HOUR;

function traffic(device: string, seed: number, change: (t: number, v: number) => number): KnownSeries {
  return {
    metric: 'ntma_datasource_receive_bytes',
    labels: { device, instance: 'harness' },
    start: HISTORY_START,
    step: MINUTE,
    values: dailyTraffic(COUNT, MINUTE, HISTORY_START, seed).map((v, i) => change(HISTORY_START + i * MINUTE, v)),
  };
}

// Two interfaces at different levels, so each band shows on its own; anomalies that stand out without
// squashing the bands into the axis.
const SERIES = [
  traffic('eth0', 1, (t, v) => (t === SPIKE_AT ? v + 600 : v)),
  traffic('eth1', 2, (t, v) => 0.4 * (t === DROP_AT ? v * 0.3 : v)),
];

const VIEW = new URLSearchParams({
  view: 'datasource',
  query: 'ntma_datasource_receive_bytes',
  from: String(START),
  to: String(END),
  step: String(MINUTE),
  train: TRAIN,
  legend: '{{device}}',
});
const PANEL = '[data-testid="data-testid ntma-datasource-panel"]';

/** In the page: how many pixels of the chart's canvas something was painted on, and the data source's answer. */
const PAINTED = `(() => {
  const canvas = document.querySelector('${PANEL} .uplot canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return { response: window.ntmaDatasource, painted, area: canvas.width * canvas.height };
})()`;

interface Drawn {
  response: DataQueryResponse;
  /** Pixels of the chart's canvas that something was painted on. */
  painted: number;
  area: number;
}

describeWith(
  [chromium, prometheus, promtool],
  'the bands data source drawn by the time series components (harness, real sidecar and Prometheus)',
  () => {
    let stack: BrowserStack;

    beforeAll(async () => {
      stack = await startBackfilledBrowserStack(SERIES);
    }, 300_000);

    afterAll(async () => {
      await stack?.close();
    });

    async function draw(extra: Record<string, string>): Promise<{ page: Page; drawn: Drawn }> {
      const page = await stack.browser.newPage({ viewport: { width: 1040, height: 560 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${stack.harness.url}/?${new URLSearchParams({ ...Object.fromEntries(VIEW), ...extra })}`);
      await page.waitForSelector(`${PANEL} .uplot canvas`, { timeout: 120_000 }).catch(async (error: Error) => {
        const shown = await page.textContent('body');
        throw new Error(`${error.message}; page errors: ${errors.join('; ') || 'none'}; page: ${shown ?? ''}`);
      });
      // uPlot paints on the next animation frame after it mounts. (Strings: this file is type-checked without
      // the DOM library; the code runs in the page.)
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      const drawn = (await page.evaluate(PAINTED)) as Drawn;
      return { page, drawn };
    }

    it.each(['dark', 'light'])(
      'fills a band over every point of the range in a standard time series chart (%s theme)',
      async (theme) => {
        const { page, drawn } = await draw({ theme });
        const { response } = drawn;
        expect(response.errors).toBeUndefined();
        const frames = response.data as DataFrame[];
        const series = frames.filter((f) => f.meta?.dataTopic !== 'annotations');
        expect(series.map((f) => f.name).sort()).toEqual(['eth0', 'eth1']);

        const steps = (END - START) / MINUTE + 1;
        for (const frame of series) {
          const field = (name: string) => frame.fields.find((f) => f.name === name)!;
          // Full range: a point, and a band, at every step from the first visible point to the last.
          expect(field('Time').values).toEqual(Array.from({ length: steps }, (_, i) => (START + i * MINUTE) * 1000));
          for (const name of ['actual', 'forecast', 'lower', 'upper']) {
            expect(`${frame.name} ${name}: ${field(name).values.filter((v) => v === null).length} gaps`).toBe(
              `${frame.name} ${name}: 0 gaps`,
            );
          }
          const lower = field('lower').values as number[];
          const upper = field('upper').values as number[];
          expect(upper.every((u, i) => u >= lower[i]!)).toBe(true);
          // The fill config a standard panel reads: upper fills down to this series' own lower bound.
          expect(field('upper').config.custom).toMatchObject({
            fillBelowTo: field('lower').config.displayNameFromDS,
            fillOpacity: expect.any(Number),
            hideFrom: { legend: true, tooltip: false, viz: false },
          });
          expect(field('upper').config.custom.fillOpacity).toBeGreaterThan(0);
        }

        // The sidecar's anomalies as annotations: the spike on eth0 and the drop on eth1, in their kinds' colours.
        const annotations = frames.find((f) => f.meta?.dataTopic === 'annotations')!;
        const column = (name: string) => annotations.fields.find((f) => f.name === name)!.values as unknown[];
        const runs = column('time').map((t, i) => ({
          t: Number(t) / 1000,
          end: Number(column('timeEnd')[i]) / 1000,
          text: String(column('text')[i]),
          color: column('color')[i],
        }));
        const at = (t: number) => runs.find((r) => r.t <= t && t <= r.end);
        expect(at(SPIKE_AT)).toMatchObject({
          text: expect.stringMatching(/^Spike, \w+ severity, on eth0/),
          color: KIND_COLORS.spike,
        });
        expect(at(DROP_AT)).toMatchObject({
          text: expect.stringMatching(/^Drop, \w+ severity, on eth1/),
          color: KIND_COLORS.drop,
        });

        // The legend lists the series and their forecasts, not the bounds.
        const legend = await page.locator(`${PANEL} [data-testid="data-testid VizLegend series"]`).allTextContents();
        expect(legend.length === 0 || legend.every((name) => !/upper|lower/.test(name))).toBe(true);
        expect(await page.textContent(PANEL)).toMatch(/eth0.*eth1/s);

        await page
          .locator('.harness-panel')
          .screenshot({ path: path.join(SHOTS, `datasource-timeseries-${theme}.png`) });

        // The fill is drawn: the same frames without their fill config paint far less of the chart.
        const { page: unfilled, drawn: control } = await draw({ theme, fill: 'off' });
        const share = (drawn.painted - control.painted) / drawn.area;
        expect(share).toBeGreaterThan(0.03);
        await unfilled.screenshot({ path: path.join(ARTIFACTS, `datasource-timeseries-${theme}-unfilled.png`) });
        await unfilled.close();

        await page.close();
      },
      300_000,
    );
  },
);
