import type { ModelChoice } from '../../api/types';

export type Sensitivity = 'low' | 'medium' | 'high';
export type TargetMode = 'none' | 'fixed' | 'template';

export interface AnomalyBandsOptions {
  /** Nominal band coverage, 0.8..0.999. */
  confidence: number;
  /** Training window from the start of the panel's range, e.g. "6h"; empty lets the sidecar use half. */
  train: string;
  model: 'auto' | 'arima';
  /** ARIMA order "p,d,q" when model is arima. */
  arimaOrder: string;
  /** Which out-of-band points get a mark: high marks every one, low only the most extreme. */
  sensitivity: Sensitivity;
  targetMode: TargetMode;
  /**
   * The scale target: a fixed id (`compose:shop:web`), one with dashboard variables (`compose:shop:$service`),
   * or, in template mode, one taking a label of each series (`compose:shop:{{service}}`).
   */
  scaleTarget: string;
  showScaleButtons: boolean;
}

export const DEFAULT_OPTIONS: AnomalyBandsOptions = {
  confidence: 0.95,
  train: '',
  model: 'auto',
  arimaOrder: '2,1,1',
  sensitivity: 'high',
  targetMode: 'none',
  scaleTarget: '',
  showScaleButtons: true,
};

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

/** The model as the sidecar takes it; throws with the option's name when the ARIMA order is malformed. */
export function modelChoice(options: Pick<AnomalyBandsOptions, 'model' | 'arimaOrder'>): ModelChoice {
  if (options.model !== 'arima') {
    return 'auto';
  }
  const match = /^\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*$/.exec(options.arimaOrder);
  if (!match) {
    throw new Error(`ARIMA order: "${options.arimaOrder}" is not "p,d,q" (e.g. 2,1,1)`);
  }
  const [p, d, q] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (p > 5 || d > 2 || q > 5) {
    throw new Error(`ARIMA order: ${p},${d},${q} is outside p 0..5, d 0..2, q 0..5`);
  }
  return { p, d, q };
}

/** "6h", "90m", "1d", "3600" (seconds); empty is allowed (sidecar default). */
export function trainProblem(train: string): string | undefined {
  const value = train.trim();
  if (value === '' || /^\d+$/.test(value) || /^(\d+(ms|s|m|h|d|w|y))+$/.test(value)) {
    return undefined;
  }
  return `Training window: "${train}" is not a duration like 6h, 90m or 1d`;
}
