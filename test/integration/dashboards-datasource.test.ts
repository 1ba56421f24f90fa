/**
 * Every standard panel of the provisioned dashboards that draws its band from the NTMA bands data source sends
 * its saved queries, mapped by the data source's own request mapping (plugin/src/datasources/bands/request.ts:
 * step, aligned range, confidence, training window, $__rate_interval), to the real sidecar over a Prometheus
 * holding a week and six hours of known counters, with the token the app's proxy route adds in Grafana. Each
 * series must come back with a band at every point of the range: the sidecar trains on the week before it.
 * (The data source class itself needs a browser; browser-datasource.test.ts runs it in Chromium.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BANDS_DATASOURCE, type BandsAnswer } from '@ntma/contract';
import { rateInterval, stepSeconds, toBandsRequest } from '../../plugin/src/datasources/bands/request.js';
import type { BandsQuery } from '../../plugin/src/datasources/bands/types.js';
import { backfill, cleanBackfill, dailyTraffic, type Backfilled, type KnownSeries } from '../support/backfill.js';
import { describeWith, prometheus, promtool } from '../support/components.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, TEST_TOKEN, type RunningSidecar } from '../support/sidecar.js';

const ROOT = path.resolve(__dirname, '..', '..');
const MINUTE = 60;
const HOUR = 3600;
const SCRAPE = 15;
// Whole hours ending two hours ago: every sample sits in a backfilled block.
const END = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const START = END - 6 * HOUR;
// The sidecar's default training window (a week) before the range, plus its alignment slack.
const HISTORY_START = START - 7 * 24 * HOUR - HOUR;

/** What the dashboards' variables stand for here: one host and all its interfaces. */
const VARIABLES: Record<string, string | string[]> = { instance: ['h1'], device: '.+' };

function counter(metric: string, seed: number): KnownSeries {
  const count = (END - HISTORY_START) / SCRAPE + 1;
  let total = 0;
  const values = dailyTraffic(count, SCRAPE, HISTORY_START, seed).map((rate) => (total += rate * SCRAPE));
  return { metric, labels: { instance: 'h1', device: 'eth0' }, start: HISTORY_START, step: SCRAPE, values };
}

interface SavedPanel {
  title?: string;
  type?: string;
  datasource?: { uid?: string };
  targets?: BandsQuery[];
  panels?: SavedPanel[];
}

function datasourcePanels(panels: SavedPanel[] = []): SavedPanel[] {
  return panels.flatMap((p) => [
    ...(p.datasource?.uid === BANDS_DATASOURCE.uid ? [p] : []),
    ...datasourcePanels(p.panels),
  ]);
}

const PANELS = readdirSync(path.join(ROOT, 'dashboards'))
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'dashboards', file), 'utf8')) as {
      panels?: SavedPanel[];
    };
    return datasourcePanels(dashboard.panels).map((panel) => ({ file, panel }));
  });

/** As Grafana's template service replaces them for this data source: multi-values as a regex alternation. */
function interpolate(expr: string, step: number): string {
  const values: Record<string, string | string[]> = { ...VARIABLES, __rate_interval: rateInterval(step) };
  return expr.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return Array.isArray(value) ? (value.length === 1 ? value[0]! : `(${value.join('|')})`) : value;
  });
}

async function bands(query: BandsQuery, sidecar: RunningSidecar): Promise<BandsAnswer> {
  const range = { fromMs: START * 1000, toMs: END * 1000, intervalMs: MINUTE * 1000, maxDataPoints: 1000 };
  const body = toBandsRequest(interpolate(query.expr, stepSeconds(range)), query, range);
  const response = await fetch(`${sidecar.url}/api/v1/bands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as BandsAnswer & { message?: string };
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${answer.message ?? ''} (${JSON.stringify(body)})`);
  return answer;
}

describeWith([prometheus, promtool], "the dashboards' bands data source panels on the real sidecar", () => {
  let data: Backfilled;
  let prom: RunningPrometheus;
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    data = await backfill([
      counter('node_network_receive_bytes_total', 1),
      counter('node_network_transmit_bytes_total', 2),
    ]);
    prom = await startPrometheus({ storageDir: data.storageDir });
    sidecar = await startSidecar(
      { PROMETHEUS_URL: prom.url, NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000' },
      { services: { watchers: { source: '<none>', watchers: [] } } },
    );
  }, 300_000);

  afterAll(async () => {
    await sidecar?.close();
    if (prom) {
      await prom.stop();
      cleanPrometheus(prom);
    }
    if (data) cleanBackfill(data);
  });

  it('finds the standard panels of the traffic overview that use the data source', () => {
    expect(PANELS.map((p) => p.file)).toEqual(['traffic-overview.json', 'traffic-overview.json']);
  });

  it.each(PANELS.map((p) => [`${p.file} "${p.panel.title}"`, p.panel] as const))(
    '%s: a band at every point of the range',
    async (_name, panel) => {
      expect(panel.targets?.length).toBeGreaterThan(0);
      const steps = (END - START) / MINUTE + 1;
      for (const query of panel.targets ?? []) {
        const answer = await bands(query, sidecar);
        expect(answer.series.length).toBeGreaterThan(0);
        for (const band of answer.series) {
          expect(band.error).toBeUndefined();
          // Full range: a point, and a band, at every step from the first visible point to the last.
          expect(band.timestamps).toEqual(Array.from({ length: steps }, (_, i) => START + i * MINUTE));
          for (const name of ['actual', 'forecast', 'lower', 'upper'] as const) {
            const gaps = band[name].filter((v) => v === null).length;
            expect(`${band.id} ${name}: ${gaps} gaps`).toBe(`${band.id} ${name}: 0 gaps`);
          }
        }
      }
    },
    300_000,
  );
});
