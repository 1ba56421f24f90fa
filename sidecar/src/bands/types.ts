/** What the bands API answers, per series and per request (the route's TypeBox schema mirrors it). */
import type { Labels } from '../prometheus/parse.js';

export interface SeriesBand {
  labels: Labels;
  /** Unix seconds, aligned with every array below. */
  timestamps: number[];
  /** null is a gap (no sample, NaN, ±Inf or a stale marker), never a zero. */
  actual: Array<number | null>;
  /** One-step-ahead forecast of each point from data before it. */
  forecast: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  /** 0..1 from the standardised residual (detect/tail.ts scoreFromResidual); 0 on gaps. */
  score: number[];
  /** The point lies outside [lower, upper]. */
  anomaly: boolean[];
  model: string;
  /** Share of the non-gap points in this answer that lie inside the band; null when all are gaps. */
  coverage: number | null;
  trainedOn: number;
  fitMs: number;
  cached: boolean;
  /** Why this series has no band (e.g. too little training data); the others are unaffected. */
  error?: string;
}

export interface BandsAnswer {
  /** Unix seconds of the banded range and its step (of series[0] for /bands/series; each series has its timestamps). */
  start: number;
  end: number;
  step: number;
  /** The training window actually used: [start, end) in unix seconds. */
  train: { start: number; end: number };
  confidence: number;
  series: SeriesBand[];
  /** Prometheus' warnings, if any. */
  warnings: string[];
}
