import type { Sensitivity } from '@ntma/contract';

/**
 * Lowest score a point needs for a mark. The sidecar's score exceeds the confidence exactly outside the band,
 * so "high" marks every out-of-band point and the others keep only rarer ones.
 */
export function minimumScore(sensitivity: Sensitivity, confidence: number): number {
  switch (sensitivity) {
    case 'low':
      return Math.max(confidence, 0.999);
    case 'medium':
      return Math.max(confidence, 0.99);
    default:
      return confidence;
  }
}
