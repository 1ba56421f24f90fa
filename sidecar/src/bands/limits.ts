/** How much one bands request may ask for. Past these, answers are 413/400 naming the field. */
export interface BandLimits {
  /** Series per request: in the body (/bands/series) or matched by the query (/bands). */
  maxSeries: number;
  /** Points per series in the banded range, and points a client may send per series. */
  maxPointsPerSeries: number;
  /** Training points per series (the engine downsamples long windows itself). */
  maxTrainPoints: number;
  /** Fewer training points than this cannot support even the seasonal-naive fallback (forecast/fit.ts MIN_MODEL_POINTS). */
  minTrainPoints: number;
}

export const DEFAULT_LIMITS: BandLimits = {
  maxSeries: 50,
  maxPointsPerSeries: 50000,
  maxTrainPoints: 50000,
  minTrainPoints: 40,
};

/** Default training window: a week holds the daily and weekly cycles of traffic. */
export const DEFAULT_TRAIN_SECONDS = 7 * 86400;
/** ...but a short step would make a week huge; past this many points the default is shortened. */
export const DEFAULT_TRAIN_MAX_POINTS = 20160;
/**
 * Training windows end on multiples of this (or of the step when longer), so a dashboard that
 * refreshes every few seconds keeps hitting the same cached model for ten minutes.
 */
export const TRAIN_ALIGN_SECONDS = 600;
