/**
 * Every anomaly-bands panel of every provisioned dashboard, with the options saved in dashboards/*.json, drawn
 * by the real panel in Chromium against the real sidecar and a Prometheus backfilled with known counters: a
 * daily cycle with an injected spike, drop and level shift. The sidecar decides which points are anomalies and
 * of what kind; the panel must draw exactly those (at the severity its sensitivity asks for), each injected
 * anomaly must get a mark of the sidecar's kind, and the scale buttons must appear exactly where a panel names
 * a target.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  atLeast,
  BANDS_DATASOURCE,
  BANDS_QUERY_KEYS,
  bandsQueryProblem,
  type BandsQueryModel,
  DEFAULT_PANEL_OPTIONS,
  MIN_SEVERITY,
  type AnomalyBandsOptions,
  type BandsAnswer,
  type SeriesBand,
} from '@ntma/contract';
import { backfill, cleanBackfill, dailyTraffic, type Backfilled, type KnownSeries } from '../support/backfill.js';
import { chromium, describeWith, prometheus, promtool } from '../support/components.js';
import { startBrowserStack, type BrowserStack } from '../harness/stack.js';

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * Where the panels' screenshots go: `docs/screenshots` (committed) only when NTMA_SCREENSHOTS=docs,
 * so an ordinary `npm test` leaves the work tree as it found it.
 */
const SHOTS =
  process.env.NTMA_SCREENSHOTS === 'docs'
    ? path.join(ROOT, 'docs', 'screenshots')
    : mkdtempSync(path.join(tmpdir(), 'ntma-screenshots-'));
const BANDS_PANEL = 'ntma-anomalybands-panel';
const MINUTE = 60;
const HOUR = 3600;
const SCRAPE = 30;
// Whole hours ending two hours ago: every sample sits in a backfilled block.
const END = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const START = END - 12 * HOUR;
// A day of history before the panels' range: the sidecar trains their full-range bands on it.
const HISTORY = START - 24 * HOUR;

/** The injected anomalies, in the second half of the range. */
const INJECTED = [
  { name: 'spike', from: END - 5 * HOUR, to: END - 5 * HOUR + 2 * MINUTE, factor: 4 },
  { name: 'drop', from: END - 4 * HOUR, to: END - 4 * HOUR + 2 * MINUTE, factor: 0.1 },
  { name: 'level shift', from: END - 2 * HOUR, to: END, factor: 0.4 },
] as const;

/** What the dashboards' variables stand for here: one host, one Compose service. */
const VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  instance: 'h1',
  device: '.*',
  project: 'shop',
  service: '.*',
  target: 'web',
};

function substitute(text: string): string {
  return text.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => VARIABLES[name] ?? whole);
}

/** A byte counter whose rate follows the daily cycle times each injected factor over its window. */
function counter(metric: string, labels: Record<string, string>, seed: number): KnownSeries {
  const count = (END - HISTORY) / SCRAPE + 1;
  const rates = dailyTraffic(count, SCRAPE, HISTORY, seed).map((rate, i) => {
    const t = HISTORY + i * SCRAPE;
    const hit = INJECTED.find((a) => t > a.from && t <= a.to);
    return rate * (hit?.factor ?? 1);
  });
  let total = 0;
  return { metric, labels, start: HISTORY, step: SCRAPE, values: rates.map((rate) => (total += rate * SCRAPE)) };
}

const CONTAINER = {
  container_label_com_docker_compose_project: 'shop',
  container_label_com_docker_compose_service: 'web',
  name: 'shop-web-1',
};
const SERIES = [
  counter('node_network_receive_bytes_total', { instance: 'h1', device: 'eth0' }, 1),
  counter('node_network_transmit_bytes_total', { instance: 'h1', device: 'eth0' }, 2),
  counter('container_network_receive_bytes_total', CONTAINER, 3),
  counter('container_network_transmit_bytes_total', CONTAINER, 4),
  counter('http_requests_total', { job: 'web', code: '200' }, 5),
];

interface SavedPanel {
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  options?: Partial<AnomalyBandsOptions>;
  targets?: Array<{ expr?: string; legendFormat?: string } & Record<string, unknown>>;
  panels?: SavedPanel[];
}

function bandPanels(panels: SavedPanel[] = []): SavedPanel[] {
  return panels.flatMap((p) => [...(p.type === BANDS_PANEL ? [p] : []), ...bandPanels(p.panels)]);
}

/**
 * Standard panels on the NTMA bands data source. Grafana's core time series panel cannot run in the harness
 * (browser-datasource.test.ts draws the data source's frames with the same @grafana/ui chart); here their saved
 * queries are checked against the data source's query type.
 */
function datasourcePanels(panels: SavedPanel[] = []): SavedPanel[] {
  return panels.flatMap((p) => [
    ...(p.datasource?.uid === BANDS_DATASOURCE.uid ? [p] : []),
    ...datasourcePanels(p.panels),
  ]);
}

const DASHBOARDS = readdirSync(path.join(ROOT, 'dashboards'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    dashboard: JSON.parse(readFileSync(path.join(ROOT, 'dashboards', file), 'utf8')) as { panels?: SavedPanel[] },
  }));
const PANELS = DASHBOARDS.flatMap(({ file, dashboard }) =>
  bandPanels(dashboard.panels).map((panel, i) => ({ file, index: i, panel })),
);
const DATASOURCE_PANELS = DASHBOARDS.flatMap(({ file, dashboard }) =>
  datasourcePanels(dashboard.panels).map((panel) => ({ file, panel })),
);

const BAND = '[data-testid="data-testid ntma-band"]';
const MARK = '[data-testid="data-testid ntma-anomaly-mark"]';
const SCALE = '[data-testid="data-testid ntma-scale-controls"]';

interface Mark {
  t: number;
  kind: string;
}

/** The marks the sidecar's answer calls for at a sensitivity: every out-of-band point severe enough. */
function decided(band: SeriesBand, options: AnomalyBandsOptions): Mark[] {
  const minimum = MIN_SEVERITY[options.sensitivity];
  return band.timestamps.flatMap((t, i) => {
    const severity = band.severity[i];
    const kind = band.kind[i];
    return band.anomaly[i] && severity && kind && atLeast(severity, minimum) ? [{ t, kind }] : [];
  });
}

describeWith(
  [chromium, prometheus, promtool],
  "every provisioned dashboard's anomaly-bands panels, with their saved options, in Chromium",
  () => {
    let data: Backfilled;
    let stack: BrowserStack;

    beforeAll(async () => {
      data = await backfill(SERIES);
      stack = await startBrowserStack({
        prometheus: { storageDir: data.storageDir },
        sidecarEnv: { NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000' },
        // No watchers: their records would rename kinds, and this test checks the bands answer's own.
        sidecarOptions: { services: { watchers: { source: '<none>', watchers: [] } } },
      });
    }, 300_000);

    afterAll(async () => {
      await stack?.close();
      if (data) cleanBackfill(data);
    });

    it('finds the band panels of the traffic and container dashboards', () => {
      expect(new Set(PANELS.map((p) => p.file))).toEqual(new Set(['traffic-overview.json', 'containers.json']));
    });

    it.each(DATASOURCE_PANELS.map((p) => [`${p.file} "${p.panel.title}"`, p] as const))(
      "%s: a standard time series panel whose queries are the bands data source's own",
      (_name, { panel }) => {
        expect(panel.type).toBe('timeseries');
        expect(panel.datasource).toEqual(BANDS_DATASOURCE);
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          expect(target.datasource).toEqual(BANDS_DATASOURCE);
          const own = Object.keys(target).filter((key) => !['refId', 'datasource', 'hide'].includes(key));
          for (const key of own) expect(BANDS_QUERY_KEYS).toContain(key);
          expect(bandsQueryProblem(target as Partial<BandsQueryModel>)).toBeUndefined();
        }
      },
    );

    it.each(PANELS.map((p) => [`${p.file} "${p.panel.title}"`, p] as const))(
      '%s: draws the band, marks what the sidecar decided and nothing else, and scale buttons only with a target',
      async (_name, { file, index, panel }) => {
        const options: AnomalyBandsOptions = { ...DEFAULT_PANEL_OPTIONS, ...panel.options };
        const target = panel.targets?.[0];
        const legend = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)/.exec(target?.legendFormat ?? '')?.[1] ?? 'device';
        const query = new URLSearchParams({
          view: 'panel',
          theme: 'dark',
          query: substitute(target?.expr ?? ''),
          from: String(START),
          to: String(END),
          step: String(MINUTE),
          legend,
          options: JSON.stringify(panel.options ?? {}),
          vars: JSON.stringify(VARIABLES),
          title: panel.title ?? '',
        });
        const page: Page = await stack.browser.newPage({ viewport: { width: 1040, height: 520 } });
        const answers: BandsAnswer[] = [];
        page.on('response', (response) => {
          // Each panel queries the sidecar's Prometheus, so the sidecar reruns its PromQL for a full-range band.
          if (response.url().endsWith('/api/v1/bands') && response.ok())
            void response.json().then((body: BandsAnswer) => answers.push(body));
        });
        await page.goto(`${stack.harness.url}/?${query}`);
        await page.waitForSelector(BAND, { state: 'attached', timeout: 120_000 });
        await page.waitForSelector('[data-testid="data-testid ntma-panel-loading"]', {
          state: 'detached',
          timeout: 120_000,
        });
        // The answer's body is read in this process after the page has drawn it; give that a moment.
        for (let i = 0; i < 50 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect(answers).toHaveLength(1);
        const bands = answers[0]!.series;
        expect(bands.length).toBe(1);
        const band = bands[0]!;
        expect(band.error).toBeUndefined();

        // The band is drawn over every point of the panel (trained on the history before its range).
        const shownBands = await page.$$eval(BAND, (all) =>
          all.map((b) => ({ banded: b.getAttribute('data-banded'), points: b.getAttribute('data-points') })),
        );
        expect(shownBands).toHaveLength(1);
        expect(Number(shownBands[0]!.banded)).toBeGreaterThan(600);
        expect(shownBands[0]!.banded).toBe(shownBands[0]!.points);

        // Exactly the sidecar's decisions are drawn: points inside the band, or below the panel's severity, have
        // no mark. (Which points are outside is the sidecar's call: after a large spike its one-step band takes
        // a while to settle, and it flags points there too.)
        const drawn = await page.$$eval(MARK, (circles) =>
          circles.map((c) => ({ t: Number(c.getAttribute('data-t')), kind: c.getAttribute('data-kind') ?? '' })),
        );
        const expected = decided(band, options);
        expect(drawn.sort((a, b) => a.t - b.t)).toEqual(expected);

        // Each injected anomaly is among them, with the sidecar's kind for its points.
        for (const anomaly of INJECTED) {
          const inside = drawn.filter((m) => m.t > anomaly.from && m.t <= anomaly.to + 2 * MINUTE);
          expect(`${anomaly.name}: ${inside.length} marks`).not.toBe(`${anomaly.name}: 0 marks`);
          for (const mark of inside) expect(mark.kind).toBe(band.kind[band.timestamps.indexOf(mark.t)]);
        }

        // Scale buttons exactly where the panel names a target.
        const namesTarget =
          options.targetMode !== 'none' && options.scaleTarget.trim() !== '' && options.showScaleButtons;
        expect(await page.locator(SCALE).count()).toBe(namesTarget ? 1 : 0);

        const name = `${file.replace(/\.json$/, '')}-${index + 1}.png`;
        await page.locator('.harness-panel').screenshot({ path: path.join(SHOTS, name) });
        await page.close();
      },
      240_000,
    );
  },
);
