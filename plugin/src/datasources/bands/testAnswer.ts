import type { BandsAnswer, SeriesBand } from '@ntma/contract';

/** A contract-shaped series band over `values` (one per minute from t0) with a band of ±10 around 100. */
export function seriesBand(
  labels: Record<string, string>,
  values: Array<number | null>,
  t0 = 1_700_000_000,
): SeriesBand {
  const outside = values.map((v) => v !== null && (v > 110 || v < 90));
  return {
    id: JSON.stringify(labels),
    labels,
    timestamps: values.map((_, i) => t0 + i * 60),
    actual: values,
    forecast: values.map(() => 100),
    lower: values.map(() => 90),
    upper: values.map(() => 110),
    score: values.map((v) => (v === null ? 0 : Math.min(0.99, Math.abs(v - 100) / 200))),
    anomaly: outside,
    severity: values.map((v, i) => (outside[i] ? (v !== null && Math.abs(v - 100) > 50 ? 'high' : 'low') : null)),
    kind: values.map((v, i) => (outside[i] ? (v !== null && v > 100 ? 'spike' : 'drop') : null)),
    model: 'mstl[1440]+arima(2,1,1)',
    coverage: 0.95,
    trainedOn: 10080,
    fitMs: 12,
    cached: false,
  };
}

export function answerOf(series: SeriesBand[], warnings: string[] = []): BandsAnswer {
  const first = series[0]?.timestamps ?? [0];
  return {
    start: first[0] ?? 0,
    end: first[first.length - 1] ?? 0,
    step: 60,
    train: { start: 0, end: first[0] ?? 0 },
    confidence: 0.95,
    series,
    warnings,
  };
}
