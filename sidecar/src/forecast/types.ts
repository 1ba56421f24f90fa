/**
 * The forecasting contract. Pure numerics: no HTTP, Prometheus or time zones. The bands API, the
 * streaming detector (detect/) and the watchers all go through these types.
 */

/** Which model to use: `auto` lets the engine choose and fall back; an explicit ARIMA order otherwise. */
export type ModelChoice = 'auto' | { p: number; d: number; q: number };

export interface FitSpec {
  /** Seconds between consecutive points: a day and a week in points are offered as seasonal periods besides those found in the data. */
  stepSeconds: number;
  model: ModelChoice;
  /** Nominal band coverage in (0, 1), e.g. 0.95. */
  confidence: number;
  /**
   * 'auto' models in sqrt or log space where the noise grows with the level
   * (transform.ts), but only when the held-out tail of the training window says so: the plain
   * model's one-step errors there must grow with the level and the transformed model's band must
   * score better (fit.ts). 'none' fits the values as they are. Taken on trust, without that check,
   * the transform cost the NAB detector 7 points (57.4 against 64.4, standard profile,
   * in-sample), its band widening at the high levels where NAB's anomalies are. Even with the
   * check it cost 1.2 points in-sample and cross-validated (65.3 against 66.5; 78.8 against 80.0),
   * with 26 false positives on realTraffic instead of 6, so 'none' is the default and the detector keeps
   * it; the bands API asks for 'auto' (BANDS_FIT_OPTIONS, forecast/bands-options.ts), as the forecast shape bench does.
   * 'auto' also models a raw counter that resets (counter.ts: never negative, never falling but to restart) as
   * Prometheus reads it, on its values with the resets undone, and forecasts its climb from the last value, the
   * resets' chance in the multi-step interval: the model's name then starts "counter+" (issue 18, cnt24); and a
   * count of whole numbers that never fell in the window, a counter that has not restarted yet (brk25).
   */
  transform?: 'auto' | 'none';
  /**
   * 'auto' also looks for a value that alternates from one step to the next and carries it over
   * the horizon as a two-step season, where the alternation learnt from the last few hundred points
   * predicts the next blocks of points (periods.ts, alternationGain). 'none', the default, does not
   * look. It halves NAB rds's one-step error and cuts its 60-step error by a tenth on the shape
   * bench, which asks for it (NTMA_ALTERNATION=auto), but it also finds alternations in three more of
   * NAB's CloudWatch CPU series, where it cost the detector a false positive (standard 77.1 ->
   * 77.0 in-sample, 84.4 -> 84.0 cross-validated, 2026-12-02), so the detector does not ask; the bands API does.
   */
  alternation?: 'auto' | 'none';
  /**
   * 'auto' also trusts a day or a week (at 5-minute steps, 288 or 2,016 points) whose phase profile predicts the
   * held-out cycles' means over a twelfth of a cycle (periods.ts, WEAK_SEASON_BLOCKS), where it does not predict
   * their single points: a daily rhythm under counts whose point-to-point noise is larger than it. NAB elb's request
   * counts fall to a few a minute each night, and their daily profile removes -0.09 to -0.05 of the held-out
   * cycles' deviation point by point, 0.25-0.38 of their two-hour means; with the day, the shape suite's 60-step
   * MASE there fell 0.901 -> 0.863 (R 0.897, augurs 0.898) and its coverage rose 0.927 -> 0.935 (ten origins,
   * in-process, issue 18). An autocorrelation peak must still pass point by point: over blocks, one on trend + AR
   * noise took a period of 79. 'none', the default, asks for the points' gain. The bands API asks for it, and so does
   * the detector (WATCHER_FIT_OPTIONS, watch/detectors.ts): NAB standard 77.5 -> 77.7 in-sample, 84.7 -> 84.8
   * cross-validated, 36 -> 34 false positives on realAWSCloudwatch, and fits of NAB's 14-day windows (82 of them)
   * 2.6% slower, 6 of them with a day they lacked (stop 37). A watcher's window must hold the cycles: at the watch
   * capacity bench's hour of 15-second steps no day is ever a candidate.
   */
  weakSeasons?: 'auto' | 'none';
  /**
   * 'auto' lets each of the window's last two points move the state the forecast starts from by at
   * most a large ordinary innovation (2.5 in-sample sigmas), unless the held-out tail of the training
   * window says a point like it lasts: replayed at the tail's own outliers, clipping them must not have
   * made the 60-step paths err more by more than two standard errors of that difference
   * (end-outliers.ts; elb22 widened it from the last point and a strict comparison). 'none', the
   * default, takes the last points as they are.
   * On the shape bench (which asks for it) NAB rds's 60-step MASE fell 1.426 -> 1.107 at its three
   * origins, a dip at one window's end no longer carried over the horizon, and no other shape moved by
   * more than 0.001; over 156 NAB forecasts 1.074 -> 1.047 (bench/forecast-peers/nab-mase.mjs). The
   * detector does not ask: its refits then cost the NAB backtest a false positive (standard 77.42 ->
   * 77.35 in-sample, 84.61 -> 84.54 cross-validated, 2026-12-03, issue 18, nab21); the bands API does.
   */
  endOutliers?: 'auto' | 'none';
  /**
   * 'auto' calibrates the one-step band for the seasons the kept model forecasts with: the held-out tail is
   * forecast with the fit part's seasons, whose last cycle averaged fewer cycles than the whole window's
   * (two values a phase where the kept model has three, on a window of three days), so its errors carry more
   * of the noise than the kept model's will, and each is scaled by the ratio of the two error scales
   * (mstl.ts, seasonNoise; fit.ts, calibrateOnTail). No check: a correction, the same for every series with a
   * season. At random phase (200 origins, two seeds) noise ∝ level @1m's and daily + weekly @5m's bands held
   * 0.96 without it, 0.95 with it (issue 18, wide23). 'none', the default, takes the tail's errors as they
   * are: the narrower band cost the NAB detector a false positive on realTraffic occupancy_6005, a season of
   * 1,288 points found from two cycles (standard 77.5 -> 77.4 in-sample, 84.7 -> 84.6 cross-validated,
   * 2026-12-03); the bands API asks for it.
   */
  seasonNoise?: 'auto' | 'none';
  /**
   * 'auto' looks for level shifts in the training window (breaks.ts: the medians of the 20 points either side of
   * a step differ by eight times the level's own spread over 20 steps, at most one per 100 points). Where there are
   * some, the multi-step interval's width is measured without the forecasts that span one (spread.ts) and the
   * breaks are mixed back in by their chance by each step ahead and the sizes seen (breakHalfWidth): the h-step
   * errors' quantile held them only once they were over 5% of the errors, from step 28-32 on the shape suite's
   * level steps, while a jump in the horizon missed more than 5% of its points from step 11 (issue 18, lvl26).
   * 'none', the default, takes the h-step errors as they are.
   */
  breaks?: 'auto' | 'none';
  /**
   * Most ARIMA fits the automatic order search may spend (default SEARCH_MAX_FITS, arima-order.ts).
   * The fits are most of a fit's time; a watcher's first fit of a warm-up spends fewer (a bounded
   * first model that bands its series sooner), and its scheduled refit the full search.
   */
  orderSearchFits?: number;
}

/** A point forecast with its band; arrays are aligned. */
export interface Interval {
  mean: number[];
  lower: number[];
  upper: number[];
}

/** One-step-ahead prediction state with the fitted parameters held fixed (O(1) per point). */
export interface OneStepPredictor {
  /**
   * The forecast of the next point from everything observed so far; sigma is the calibrated one-step scale and
   * mean +- z sigma the band. `point`, when present, is the point forecast where it differs from the band's centre:
   * the median of a model fitted in sqrt or log space (the back-transformed band is skewed, so its centre lies above
   * the median by about z^2 s^2 and is a worse point forecast: NAB elb's one-step MASE 1.26 against 1.03).
   */
  peek(): { mean: number; sigma: number; point?: number };
  /** Feeds the actual next value; null (a gap) advances the state on the forecast, never as zero. */
  observe(value: number | null): void;
}

export interface FittedModel {
  /**
   * What served the answer, by link of the fallback chain: "mstl[1440]+arima(2,1,1)" (or
   * "arima(1,1,2)" without a trusted season), "mstl[1440]+ets(A,N,N)", "seasonal-naive[1440]", "naive";
   * the periods are those found in the data, "+drift" marks an ARIMA with drift, a "log+" or
   * "sqrt+" prefix the transform the model works in, and "counter+" a counter modelled with its resets undone.
   */
  readonly name: string;
  /** Training points the model was built from (the whole window; ARIMA itself sees its recent part). */
  readonly trainedOn: number;
  /** Calibrated one-step residual scale (from the held-out tail). */
  readonly sigma: number;
  /** Forecast h steps past the end of the training data. */
  forecast(h: number, confidence: number): Interval;
  /**
   * A predictor positioned right after the last training point. Its sigma is calibrated for
   * `confidence` (default: the confidence of the fit), so mean +- z(confidence) * sigma is the band.
   */
  predictor(confidence?: number): OneStepPredictor;
  /** Frees WASM memory; the model is unusable afterwards. */
  destroy(): void;
}

/** Fits a model to evenly spaced values (null = gap). Throws ForecastError when nothing fits. */
export type Fit = (values: ReadonlyArray<number | null>, spec: FitSpec) => FittedModel;
