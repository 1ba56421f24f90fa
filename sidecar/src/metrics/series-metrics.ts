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

/** Where the samples come from (the watch service); called once per gauge per scrape. */
export type SeriesSampleSource = () => Iterable<SeriesSample>;

type Value = { labels: Labels; value: number };
type Pick = (sample: SeriesSample) => Value | null;

/** A gauge whose values are computed at scrape time from the series source. */
class SeriesGauge extends Gauge<string> {
  constructor(
    registry: Registry,
    name: string,
    help: string,
    private readonly source: () => SeriesSampleSource | undefined,
    private readonly pick: Pick,
  ) {
    super({ name, help, registers: [registry] });
  }

  override async get(): ReturnType<Gauge<string>['get']> {
    const values: Value[] = [];
    const samples = this.source();
    if (samples) {
      for (const sample of samples()) {
        const value = this.pick(sample);
        if (value !== null && Number.isFinite(value.value)) values.push(value);
      }
    }
    // The base gauge holds no values of its own; it supplies name, help and type.
    const base = await super.get();
    return { ...base, values };
  }
}

function field(key: 'actual' | 'forecast' | 'lower' | 'upper' | 'anomaly' | 'score'): Pick {
  return (sample) => {
    const value = sample[key];
    return value === null ? null : { labels: sample.labels, value };
  };
}

export interface SeriesMetrics {
  /** Points the gauges at the watchers' state; until then they export nothing. */
  setSource(source: SeriesSampleSource | undefined): void;
}

export function registerSeriesMetrics(registry: Registry): SeriesMetrics {
  let current: SeriesSampleSource | undefined;
  const source = (): SeriesSampleSource | undefined => current;
  const gauge = (name: string, help: string, pick: Pick): void => {
    new SeriesGauge(registry, name, help, source, pick);
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
    (sample) => (sample.kind === null ? null : { labels: { ...sample.labels, kind: sample.kind }, value: 1 }),
  );
  return {
    setSource(next) {
      current = next;
    },
  };
}
