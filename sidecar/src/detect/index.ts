/** The detection surface the watchers, the bands API and the backtest build on. */
export type { ExcursionKind, StreamingDetector, Verdict } from './types.js';
export {
  DEFAULT_DETECTOR,
  ForecastDetector,
  type ForecastDetectorOptions,
  type PagingOptions,
} from './forecast-detector.js';
export {
  DEFAULT_WINDOWED_GAUSSIAN,
  WindowedGaussianDetector,
  type WindowedGaussianOptions,
} from './windowed-gaussian.js';
export { DEFAULT_EXCURSION, type Excursion, type ExcursionClassifier, type ExcursionOptions } from './excursion.js';
export { HALF_SCORE_DECADES, log10TailFromScore, scoreFromLog10Tail, scoreFromResidual } from './tail.js';
