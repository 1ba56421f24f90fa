/**
 * The detector every watched series gets: the same ForecastDetector the NAB backtest scores,
 * with the watcher's step, band confidence and training window. Nothing else is tuned per
 * watcher, so the backtest's number describes what the watchers do.
 */
import { DEFAULT_DETECTOR, ForecastDetector } from '../detect/forecast-detector.js';
import type { DetectorFactory } from './watcher.js';

export const forecastDetectors: DetectorFactory = (spec, classify) => {
  const trainingPoints = Math.floor(spec.trainSeconds / spec.stepSeconds);
  return new ForecastDetector(
    {
      stepSeconds: spec.stepSeconds,
      confidence: spec.confidence,
      maxTrainingPoints: trainingPoints,
      // A watcher with a short window (seconds-step tests, small demos) fits once it is full.
      minTrainingPoints: Math.min(DEFAULT_DETECTOR.minTrainingPoints, trainingPoints),
    },
    classify,
  );
};
