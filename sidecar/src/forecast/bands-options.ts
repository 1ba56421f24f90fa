import type { FitSpec } from './types.js';

/**
 * The engine's four data-checked options, the band's correction for the seasons' noise (seasonNoise) and the level
 * shifts' part of the multi-step interval (breaks, only where the window shows clear ones), all asked for by the
 * bands API (bands/service.ts) and the warm-up; the detector (watch/, cli/backtest.ts) asks for the weak seasons only
 * (WATCHER_FIT_OPTIONS, watch/detectors.ts). Each is kept per series only where the training window's held-out tail
 * accepts it (fit.ts, periods.ts), and all but the weak seasons cost the NAB detector a little (types.ts says by how
 * much, and why the detector does not ask for those): the detector scores anomalies at the busy end, where a
 * transformed band is wider. A band drawn on a panel is judged by whether it holds, and without the transform a
 * Poisson or noise-proportional-to-level series' 95% band held 0.78-0.88 on the shape suite (0.95-0.96 with it). With
 * all of them asked for there, the shape suite (which asks for them) measures what a panel gets.
 */
export const BANDS_FIT_OPTIONS: Readonly<
  Pick<FitSpec, 'transform' | 'alternation' | 'weakSeasons' | 'endOutliers' | 'seasonNoise' | 'breaks'>
> = {
  transform: 'auto',
  alternation: 'auto',
  weakSeasons: 'auto',
  endOutliers: 'auto',
  seasonNoise: 'auto',
  breaks: 'auto',
};
