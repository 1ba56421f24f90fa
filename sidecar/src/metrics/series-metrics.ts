/**
 * The per-series ntma_* gauges Grafana's alert rules read. Their label sets are whatever the
 * watched series carry (plus `watcher`), which prom-client's Gauge cannot declare up front, so
 * these gauges render straight from the watchers' live state at scrape time: no copy per step,
 * and a series that disappears from the watchers disappears from /metrics with it.
 *
 * A missing value is an absent sample, never a zero: while a series has no model there is no
 * forecast, band, anomaly or score; while it has no data there is no ntma_actual, ntma_anomaly
 * or ntma_anomaly_score (the forecast and band stay, which is what the outage rule looks for).
 */
import { Gauge, type Registry } from 'prom-client';

export type Labels = Record<string, string>;

/** One watched series as the exporter sees it; null fields are not exported. */
export interface SeriesSample {
  labels: Labels;
  actual: number | null;
  forecast: number | null;
  lower: number | null;
  upper: number | null;
  anomaly: -1 | 0 | 1 | null;
  score: number | null;
  /** The open excursion's kind, or null when none is open. */
  kind: string | null;
}

/** Where the samples come from (the watch service); walked once per scrape of /metrics (once per gauge by prom-client's own rendering). */
export type SeriesSampleSource = () => Iterable<SeriesSample>;

/** What one gauge exports of a sample: its value (null: no sample) and, for kind info, its own labels. */
interface Pick {
  value(sample: SeriesSample): number | null;
  labels?(sample: SeriesSample): Labels;
}

/** Series rendered between two turns of the event loop (a few milliseconds of string work). */
export const EXPOSITION_SERIES_PER_TURN = 2000;

/** A label value as the text exposition format writes it. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * `{name="value",...}` of a label set, rendered once per labels object: a watched series keeps its
 * labels object for life, and rendering 100,000 label sets on every scrape is most of a scrape.
 */
const labelTexts = new WeakMap<Labels, string>();
function labelText(labels: Labels): string {
  let text = labelTexts.get(labels);
  if (text === undefined) {
    const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
    text = parts.length > 0 ? `{${parts.join(',')}}` : '';
    labelTexts.set(labels, text);
  }
  return text;
}

/**
 * A gauge whose values are computed at scrape time from the series source. prom-client renders
 * it like any gauge (tests and small registries); the /metrics route renders the gauges of one
 * source together instead (SeriesFamilies.render), which gives the same text without blocking the
 * event loop: at 100,000 watched series a scrape is 600,000 lines, seconds of work that would
 * otherwise stall the watch loop and make the overload check shed requests.
 */
class SeriesGauge extends Gauge<string> {
  constructor(
    registry: Registry,
    readonly metricName: string,
    private readonly helpText: string,
    readonly families: SeriesFamilies,
    readonly pick: Pick,
  ) {
    super({ name: metricName, help: helpText, registers: [registry] });
  }

  override async get(): ReturnType<Gauge<string>['get']> {
    const values: Array<{ labels: Labels; value: number }> = [];
    const samples = this.families.current;
    if (samples) {
      for (const sample of samples()) {
        const value = this.pick.value(sample);
        if (value !== null && Number.isFinite(value)) {
          values.push({ labels: this.pick.labels?.(sample) ?? sample.labels, value });
        }
      }
    }
    // The base gauge holds no values of its own; it supplies name, help and type.
    const base = await super.get();
    return { ...base, values };
  }

  /** `# HELP` and `# TYPE`, as prom-client writes them. */
  header(): string {
    const help = this.helpText.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    return `# HELP ${this.metricName} ${help}\n# TYPE ${this.metricName} gauge`;
  }
}

/**
 * The gauges of one source, rendered together: one pass over the samples for all of them (each
 * gauge walking the watchers on its own built every sample object seven times and looked up every
 * label text seven times), yielding to the event loop every EXPOSITION_SERIES_PER_TURN series.
 */
class SeriesFamilies {
  readonly gauges: SeriesGauge[] = [];
  current: SeriesSampleSource | undefined;

  /**
   * Each gauge's text in the exposition format, in pieces that join with '\n' into what
   * prom-client renders for it: its header, then its lines a slice at a time.
   */
  async render(): Promise<Map<SeriesGauge, string[]>> {
    const gauges = this.gauges;
    const pieces = gauges.map((gauge) => [gauge.header()]);
    const samples = this.current;
    if (samples) {
      const lines: string[][] = gauges.map(() => []);
      const flush = (): void => {
        for (let g = 0; g < gauges.length; g++) {
          if (lines[g]!.length === 0) continue;
          pieces[g]!.push(lines[g]!.join('\n'));
          lines[g] = [];
        }
      };
      let seen = 0;
      for (const sample of samples()) {
        const own = labelText(sample.labels);
        for (let g = 0; g < gauges.length; g++) {
          const { metricName, pick } = gauges[g]!;
          const value = pick.value(sample);
          if (value === null || !Number.isFinite(value)) continue;
          const text = pick.labels ? labelText(pick.labels(sample)) : own;
          lines[g]!.push(`${metricName}${text} ${value}`);
        }
        if (++seen % EXPOSITION_SERIES_PER_TURN === 0) {
          flush();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      flush();
    }
    return new Map(gauges.map((gauge, g) => [gauge, pieces[g]!]));
  }
}

/** A metric that renders itself with the others of its source (see SeriesFamilies). */
export interface SelfRendering {
  readonly families: { render(): Promise<Map<unknown, string[]>> };
}

export function rendersItself(metric: unknown): metric is SelfRendering {
  return metric instanceof SeriesGauge;
}

function field(key: 'actual' | 'forecast' | 'lower' | 'upper' | 'anomaly' | 'score'): Pick {
  return { value: (sample) => sample[key] };
}

/**
 * The labels of a series' kind info, one object per (labels, kind) so its rendered text is cached
 * like the series' own; an excursion's kind changes rarely.
 */
const kindLabelSets = new WeakMap<Labels, { kind: string; labels: Labels }>();
function kindLabels(labels: Labels, kind: string): Labels {
  const held = kindLabelSets.get(labels);
  if (held?.kind === kind) return held.labels;
  const next = { ...labels, kind };
  kindLabelSets.set(labels, { kind, labels: next });
  return next;
}

export interface SeriesMetrics {
  /** Points the gauges at the watchers' state; until then they export nothing. */
  setSource(source: SeriesSampleSource | undefined): void;
}

export function registerSeriesMetrics(registry: Registry): SeriesMetrics {
  const families = new SeriesFamilies();
  const gauge = (name: string, help: string, pick: Pick): void => {
    families.gauges.push(new SeriesGauge(registry, name, help, families, pick));
  };
  gauge(
    'ntma_actual',
    "The watched series' latest value as the watcher read it from Prometheus at its last step; absent when the series had no sample.",
    field('actual'),
  );
  gauge(
    'ntma_forecast',
    "The model's one-step forecast of the watched series for the watcher's last step, made from data before that step.",
    field('forecast'),
  );
  gauge(
    'ntma_band_upper',
    "Upper edge of the forecast band at the last step (the band covers the watcher's confidence, e.g. 99%); a value above it is an anomaly.",
    field('upper'),
  );
  gauge(
    'ntma_band_lower',
    'Lower edge of the forecast band at the last step; a value below it is an anomaly.',
    field('lower'),
  );
  gauge(
    'ntma_anomaly',
    'Where the watched series sat against its band at the last step: 1 above, -1 below, 0 inside; absent while there is no model or no data.',
    field('anomaly'),
  );
  gauge(
    'ntma_anomaly_score',
    'Anomaly score in [0, 1] of the watched series at the last step: how improbable its recent residuals are (0.5 = a 1-in-10,000 surprise); absent while there is no model or no data.',
    field('score'),
  );
  gauge(
    'ntma_anomaly_kind_info',
    'Always 1 while an excursion is open on the watched series; the kind label says what it looks like (spike, drop, level_shift, sustained, attack_suspected). Absent when none is open.',
    {
      value: (sample) => (sample.kind === null ? null : 1),
      labels: (sample) => kindLabels(sample.labels, sample.kind!),
    },
  );
  return {
    setSource(next) {
      families.current = next;
    },
  };
}
