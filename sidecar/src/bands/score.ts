/**
 * The standardised residual of a point against its band, which detect/'s scoreFromResidual turns
 * into the anomaly score (one mapping for the bands API and the streaming detectors).
 */
import { zFor } from '../forecast/calibration.js';

/**
 * The band may be asymmetric (the seasonal-naive fallback uses empirical quantiles), so the
 * residual is measured in half-bands on the side the point falls, scaled so that the band edge sits
 * at z(confidence): for a symmetric band mean ± z·sigma this is exactly (actual − mean) / sigma.
 */
export function bandResidual(actual: number, mean: number, lower: number, upper: number, confidence: number): number {
  const deviation = actual - mean;
  const half = deviation >= 0 ? upper - mean : mean - lower;
  if (!(half > 0)) return deviation === 0 ? 0 : Infinity * Math.sign(deviation);
  return (zFor(confidence) * deviation) / half;
}
