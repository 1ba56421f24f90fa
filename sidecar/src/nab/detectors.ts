/** The detectors the backtest compares: ours, on the forecasting engine, and the baseline. */
import { ForecastDetector } from '../detect/forecast-detector.js';
import { WindowedGaussianDetector } from '../detect/windowed-gaussian.js';
import type { Fit } from '../forecast/types.js';
import type { DetectorFactory } from './backtest.js';

export const DETECTOR_NAME = 'ntma';
export const BASELINE_NAME = 'windowedGaussian';

export function defaultDetectors(fit: Fit): DetectorFactory[] {
  return [
    {
      name: DETECTOR_NAME,
      create: (stepSeconds) => new ForecastDetector({ stepSeconds }),
      fit,
      fitSpec: { model: 'auto', confidence: 0.99 },
    },
    { name: BASELINE_NAME, create: () => new WindowedGaussianDetector() },
  ];
}
