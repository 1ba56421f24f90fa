/**
 * The detector every watched series gets, and the one the NAB backtest scores (nab/detectors.ts
 * calls watcherDetectorOptions with a 14-day window): the same ForecastDetector with the
 * watcher's step, band confidence and window. Two settings are derived from the window:
 * - the first fit comes once half the window is there (at least 60 points, the 40 an ARIMA fit
 *   needs plus its 20-point calibration tail), and the detector refits on the whole window once
 *   it is full, so a short demo window does not double the wait for a first band;
 * - out-of-band points of an open excursion the classifier calls an attack are kept from the
 *   model (see ForecastDetectorOptions.maxWithheldSeconds) for up to ten minutes, and never more
 *   than half the window, since a fit on a window that is mostly gaps falls back to a naive model.
 *   Without it a flood becomes the forecast within a minute and its end reads as a drop. Only
 *   points 20% or more off the level the excursion left are withheld: smaller ones are mostly the
 *   model lagging a trend. Any rise's are held for its first minute (a rate window) while the
 *   classifier may yet call it an attack, and given back if it does not; a fall is never held (the
 *   classifier never names one). "The level it left" is the series' own recent level when the forecast
 *   had already left it (forecast-detector.ts, followOpening).
 */
import {
  DEFAULT_DETECTOR,
  ForecastDetector,
  type ForecastDetectorOptions,
  type WithholdScope,
} from '../detect/forecast-detector.js';
import type { FitSpec } from '../forecast/types.js';
import type { WatcherSpec } from './config.js';
import type { DetectorFactory } from './watcher.js';

/**
 * What a watched series' fits ask of the engine beyond its defaults, the backtest's too (nab/detectors.ts): a day or
 * a week trusted on its profile's gain over two-hour means where its gain point by point falls short
 * (FitSpec.weakSeasons says what it gains and costs). The bands API's other options cost the detector a little.
 */
export const WATCHER_FIT_OPTIONS: Readonly<Pick<FitSpec, 'weakSeasons'>> = { weakSeasons: 'auto' };

/** Fewest points a first fit is given: ARIMA's 40 observed points plus a 20-point calibration tail. */
export const MIN_FIRST_FIT_POINTS = 60;
/** Longest an excursion is kept from the model before it counts as the new normal. */
export const WITHHOLD_SECONDS = 600;
/**
 * How long any rising excursion's points are held from the model while the classifier may yet call it an
 * attack (ForecastDetectorOptions.pendingWithheldSeconds): a rate window, the usual 1m of the
 * watchers' expressions. A flood read through rate over 1m reaches the classifier's x3 about halfway
 * up its minute-long ramp; learned meanwhile, the ramp carried the forecast up with it and the
 * excursion sometimes closed before it was named (docs/detection.md). At a step longer than this
 * (NAB's 5 minutes) nothing is held.
 */
export const WITHHOLD_PENDING_SECONDS = 60;
/** Smallest deviation, as a share of the forecast, that is kept from the model (see ForecastDetectorOptions). */
export const WITHHOLD_MIN_SHARE = 0.2;

export function watcherDetectorOptions(
  stepSeconds: number,
  trainSeconds: number,
): Pick<
  ForecastDetectorOptions,
  | 'stepSeconds'
  | 'maxTrainingSeconds'
  | 'minTrainingSeconds'
  | 'maxWithheldSeconds'
  | 'pendingWithheldSeconds'
  | 'withholdMinShare'
> {
  const trainingPoints = Math.floor(trainSeconds / stepSeconds);
  const firstFitPoints = Math.min(
    Math.round(DEFAULT_DETECTOR.minTrainingSeconds / stepSeconds),
    trainingPoints,
    Math.max(MIN_FIRST_FIT_POINTS, Math.ceil(trainingPoints / 2)),
  );
  return {
    stepSeconds,
    maxTrainingSeconds: trainingPoints * stepSeconds,
    minTrainingSeconds: firstFitPoints * stepSeconds,
    maxWithheldSeconds: Math.min(WITHHOLD_SECONDS, Math.floor(trainingPoints / 2) * stepSeconds),
    pendingWithheldSeconds: Math.min(WITHHOLD_PENDING_SECONDS, Math.floor(trainingPoints / 2) * stepSeconds),
    withholdMinShare: WITHHOLD_MIN_SHARE,
  };
}

/**
 * The watchers' detectors, withholding `scope`'s excursions (NTMA_WATCH_WITHHOLD; the default,
 * `attacks`, is DEFAULT_DETECTOR's and the backtest's). `excursions` is the old setting, kept so the
 * live bench (bench/withhold-live.mjs) runs both ways through the same code. One options object per
 * watcher, so its detectors share their settings (ForecastDetector keeps one copy per options
 * object) rather than holding a copy each.
 */
export function forecastDetectorsWithholding(scope: WithholdScope): DetectorFactory {
  const optionsPerWatcher = new WeakMap<WatcherSpec, Partial<ForecastDetectorOptions> & { stepSeconds: number }>();
  return (spec, classify) => {
    let options = optionsPerWatcher.get(spec);
    if (!options) {
      options = {
        ...watcherDetectorOptions(spec.stepSeconds, spec.trainSeconds),
        confidence: spec.confidence,
        withhold: scope,
      };
      optionsPerWatcher.set(spec, options);
    }
    return new ForecastDetector(options, classify);
  };
}

export const forecastDetectors: DetectorFactory = forecastDetectorsWithholding(DEFAULT_DETECTOR.withhold);
