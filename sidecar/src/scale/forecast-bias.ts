/**
 * How far the forecast has run off the traffic lately: the median one-step error (value minus what
 * the model predicted for that point) over the last organic samples, and whether it stands out from
 * the noise.
 *
 * Why the policy needs it: a model refitted on a window that holds a surge can come out with a level
 * that runs persistently high (the bench's seed 1: after the noon refit over a morning with a x4 flash
 * crowd, the one-step forecast stayed about 150 requests/s, 20%, above the traffic for two hours, with
 * a calibrated band wide enough that not one point left it). The detector raises no anomaly, so
 * nothing else says the forecast is off; a policy that plans on it at face value keeps replicas nothing
 * needs, while a reactive HPA, which plans on the traffic, does not. Corrected by its own recent bias
 * the forecast keeps its shape (a peak ahead still scales out ahead) at the level the traffic is at.
 *
 * Only a bias that stands out counts: the median is compared with its own standard error
 * (1.2533 x sigma / sqrt(n), sigma the median absolute deviation around it x 1.4826), at two of them,
 * so ordinary noise around a good model corrects nothing.
 */
import { quantile } from '../forecast/calibration.js';

/** One-step errors kept and needed: fewer than MIN_ERRORS say nothing. */
export const BIAS_ERRORS = 10;
export const MIN_ERRORS = 8;
/** Standard errors of the median a bias must exceed to count. */
const BIAS_Z = 2;

export interface ForecastBias {
  /** Median of (value - forecast): negative when the forecast has run high. */
  bias: number;
  /** 1.4826 x the median absolute deviation of the errors around that median. */
  sigma: number;
  samples: number;
}

const median = (sorted: readonly number[]): number => quantile(sorted, 0.5);

/**
 * The forecast's bias over `errors` (value - forecast, oldest first; the last BIAS_ERRORS are used),
 * or null when there are too few or the median does not stand out from their spread.
 */
export function forecastBias(errors: readonly number[]): ForecastBias | null {
  const recent = errors.filter((e) => Number.isFinite(e)).slice(-BIAS_ERRORS);
  if (recent.length < MIN_ERRORS) return null;
  const bias = median([...recent].sort((a, b) => a - b));
  const sigma = 1.4826 * median(recent.map((e) => Math.abs(e - bias)).sort((a, b) => a - b));
  const standardError = (1.2533 * sigma) / Math.sqrt(recent.length);
  if (!(Math.abs(bias) > BIAS_Z * standardError)) return null;
  return { bias, sigma, samples: recent.length };
}
