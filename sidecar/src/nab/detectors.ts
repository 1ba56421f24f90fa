/**
 * The detectors the backtest compares: ours, built exactly as a watcher builds it (same function,
 * same settings, withholding included), and the baseline. `ablations` are the same detector with
 * one part taken away, to show what each part earns in the cross-validated score.
 */
import { DEFAULT_DETECTOR, ForecastDetector, type ForecastDetectorOptions } from '../detect/forecast-detector.js';
import { WindowedGaussianDetector } from '../detect/windowed-gaussian.js';
import type { Fit } from '../forecast/types.js';
import { WATCHER_FIT_OPTIONS, watcherDetectorOptions } from '../watch/detectors.js';
import type { DetectorFactory } from './backtest.js';

export const DETECTOR_NAME = 'ntma';
export const BASELINE_NAME = 'windowedGaussian';

/** The training window the backtest's watcher has: NAB files are two weeks of 5-minute points. */
export const BACKTEST_TRAIN_SECONDS = 14 * 24 * 3600;
/** The band confidence of a watcher at the default sensitivity (medium). */
export const BACKTEST_CONFIDENCE = 0.99;

/** What a watcher with the backtest's window and confidence runs, at the file's step; `change` alters it for an ablation. */
function ntma(fit: Fit, name: string, change: Partial<ForecastDetectorOptions> = {}): DetectorFactory {
  return {
    name,
    create: (stepSeconds) =>
      new ForecastDetector({
        ...watcherDetectorOptions(stepSeconds, BACKTEST_TRAIN_SECONDS),
        confidence: BACKTEST_CONFIDENCE,
        ...change,
      }),
    fit,
    fitSpec: { model: 'auto', confidence: BACKTEST_CONFIDENCE, ...WATCHER_FIT_OPTIONS },
  };
}

export function defaultDetectors(fit: Fit): DetectorFactory[] {
  return [ntma(fit, DETECTOR_NAME), { name: BASELINE_NAME, create: () => new WindowedGaussianDetector() }];
}

/** A CUSUM of the residuals (change-point evidence) over this half-life: measured, not kept (docs/detection.md). */
export const ABLATION_CHANGE_SECONDS = 3600;

/** The detector with one part removed at a time, with the change channel it does not have added, and withholding every excursion. */
export function ablations(fit: Fit): DetectorFactory[] {
  const { surprise, paging } = DEFAULT_DETECTOR;
  const without = (index: number): Partial<ForecastDetectorOptions> => ({
    surprise: { ...surprise, channels: surprise.channels.filter((_, k) => k !== index) },
  });
  return [
    // NAB has no network signals, so nothing is an attack and the default withholds nothing here;
    // the old setting (every excursion withheld) is what differs (docs/detection.md).
    ntma(fit, 'withhold-every-excursion', { withhold: 'excursions' }),
    ...surprise.channels.map((channel, k) => ntma(fit, `without-${channel.input}-${channel.seconds}s`, without(k))),
    ntma(fit, 'no-repeat-damping', { paging: { ...paging, repeatDamping: 1 } }),
    ntma(fit, 'repeat-bar-never-fades', { paging: { ...paging, repeatHalfLifeSeconds: 0 } }),
    ntma(fit, 'no-daily-recurrence', { paging: { ...paging, recurPeriodSeconds: 0 } }),
    ntma(fit, 'recurrence-one-day-back', { paging: { ...paging, recurMemorySeconds: paging.recurPeriodSeconds } }),
    ntma(fit, 'no-recurrence-pattern', { paging: { ...paging, recurPatternSeconds: 0 } }),
    ntma(fit, 'no-quiet-hour', { paging: { ...paging, quietSeconds: 0 } }),
    ntma(fit, `with-change-${ABLATION_CHANGE_SECONDS}s`, {
      surprise: {
        ...surprise,
        channels: [...surprise.channels, { input: 'change', seconds: ABLATION_CHANGE_SECONDS, warmup: 'abstain' }],
      },
    }),
  ];
}
