import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { xorshift32 } from '../../sidecar/src/seeded-random.js';
import { promtool } from './components.js';

/** One series of known history: value i sits at start + i·step; null is no sample at all. */
export interface KnownSeries {
  /** Metric name, e.g. "ntma_test_bytes". Every series of one metric must share its kind. */
  metric: string;
  labels: Record<string, string>;
  /** Unix seconds of values[0]. */
  start: number;
  /** Seconds between samples. */
  step: number;
  /** NaN, Infinity and -Infinity are written as such (Prometheus stores them as samples). */
  values: ReadonlyArray<number | null>;
}

export interface Backfilled {
  /** Holds the OpenMetrics input and the TSDB; remove it with cleanBackfill once Prometheus stopped. */
  dir: string;
  /** A TSDB directory to start Prometheus on (StartOptions.storageDir). */
  storageDir: string;
  /** promtool's own output, for a failing test to print. */
  log: string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function openMetrics(series: KnownSeries[]): string {
  const lines: string[] = [];
  // OpenMetrics wants each metric family in one contiguous group, announced once.
  const families = new Map<string, KnownSeries[]>();
  for (const s of series) families.set(s.metric, [...(families.get(s.metric) ?? []), s]);
  for (const [metric, members] of families) {
    lines.push(`# TYPE ${metric} gauge`);
    for (const s of members) {
      const labels = Object.entries(s.labels)
        .map(([name, value]) => `${name}="${escapeLabel(value)}"`)
        .join(',');
      const name = labels ? `${metric}{${labels}}` : metric;
      for (const [i, value] of s.values.entries()) {
        if (value !== null) lines.push(`${name} ${formatValue(value)} ${s.start + i * s.step}`);
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/**
 * Writes `series` as OpenMetrics and turns it into TSDB blocks with
 * `promtool tsdb create-blocks-from openmetrics`, so weeks of history exist the moment
 * Prometheus starts, instead of waiting for scrapes. promtool writes one block per 2 hours of
 * history (about 0.1 s of CPU each), so the time span, not the sample count, sets the cost.
 */
export async function backfill(series: KnownSeries[]): Promise<Backfilled> {
  const binary = promtool.path;
  if (!binary) throw new Error(`promtool not found: ${promtool.install}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-backfill-'));
  const input = path.join(dir, 'history.om');
  const storageDir = path.join(dir, 'data');
  try {
    mkdirSync(storageDir);
    writeFileSync(input, openMetrics(series));
    const { stdout, stderr } = await promisify(execFile)(
      binary,
      ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, storageDir],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    return { dir, storageDir, log: `${stdout}${stderr}` };
  } catch (error) {
    // promtool's output is in the error; the half-made blocks are of no use.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export function cleanBackfill(backfilled: Backfilled): void {
  rmSync(backfilled.dir, { recursive: true, force: true });
}

/** Values of a daily cycle with noise, like traffic: deterministic for a given seed. */
export function dailyTraffic(count: number, stepSeconds: number, start: number, seed = 1): number[] {
  const uniform = xorshift32(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: count }, (_, i) => {
    const t = start + i * stepSeconds;
    const day = (2 * Math.PI * (t % 86400)) / 86400;
    return 1000 + 400 * Math.sin(day) + 120 * Math.sin(2 * day + 1) + 25 * gaussian();
  });
}
