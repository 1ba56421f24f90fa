/**
 * The detector every watched series gets: the same ForecastDetector the NAB backtest scores,
 * with the watcher's step, band confidence and window. Two settings differ from the backtest's,
 * both derived from the window rather than tuned per watcher:
 * - the first fit comes once half the window is there (at least 60 points, the 40 an ARIMA fit
 *   needs plus its 20-point calibration tail), and the detector refits on the whole window once
 *   it is full, so a short demo window does not double the wait for a first band;
 * - points out of band inside an open excursion are kept from the model (see
 *   ForecastDetectorOptions.maxWithheldPoints) for up to ten minutes, and never more than half the
 *   window, since a fit on a window that is mostly gaps falls back to a naive model.
 *   Without it a flood becomes the forecast within a minute and its end reads as a drop. Only
 *   points 20% or more off the forecast are withheld: smaller ones are mostly the model lagging a trend.
 */
import { DEFAULT_DETECTOR, ForecastDetector, type ForecastDetectorOptions } from '../detect/forecast-detector.js';
import type { DetectorFactory } from './watcher.js';

/** Fewest points a first fit is given: ARIMA's 40 observed points plus a 20-point calibration tail. */
export const MIN_FIRST_FIT_POINTS = 60;
/** Longest an excursion is kept from the model before it counts as the new normal. */
export const WITHHOLD_SECONDS = 600;
/** Smallest deviation, as a share of the forecast, that is kept from the model (see ForecastDetectorOptions). */
export const WITHHOLD_MIN_SHARE = 0.2;

export function watcherDetectorOptions(
  stepSeconds: number,
  trainSeconds: number,
): Pick<
  ForecastDetectorOptions,
  'stepSeconds' | 'maxTrainingPoints' | 'minTrainingPoints' | 'maxWithheldPoints' | 'withholdMinShare'
> {
  const trainingPoints = Math.floor(trainSeconds / stepSeconds);
  return {
    stepSeconds,
    maxTrainingPoints: trainingPoints,
    minTrainingPoints: Math.min(
      DEFAULT_DETECTOR.minTrainingPoints,
      trainingPoints,
      Math.max(MIN_FIRST_FIT_POINTS, Math.ceil(trainingPoints / 2)),
    ),
    maxWithheldPoints: Math.min(Math.ceil(WITHHOLD_SECONDS / stepSeconds), Math.floor(trainingPoints / 2)),
    withholdMinShare: WITHHOLD_MIN_SHARE,
  };
}

export const forecastDetectors: DetectorFactory = (spec, classify) =>
  new ForecastDetector(
    { ...watcherDetectorOptions(spec.stepSeconds, spec.trainSeconds), confidence: spec.confidence },
    classify,
  );
