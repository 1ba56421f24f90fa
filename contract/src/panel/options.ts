/**
 * The anomaly-bands panel's options: their choices, defaults and the paths the option editor
 * registers. The plugin builds its editor from these and the dashboard generator writes panels from
 * them, so a dashboard cannot carry an option the panel does not read. The schema that checks a
 * saved panel is `AnomalyBandsOptionsSchema` in `@ntma/contract/schemas`.
 */
import { CONFIDENCE, parseArimaOrder, type ArimaOrder } from '../limits.js';
import { parseDuration } from '../duration.js';
import type { Severity } from '../score.js';
import type { AnomalyBandsOptions } from '../schemas/panel-options.js';

export type { AnomalyBandsOptions };

export const MODEL_CHOICES = ['auto', 'arima'] as const;
export const SENSITIVITIES = ['low', 'medium', 'high'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];
/** none: no scale buttons; fixed: one target id; template: a target per series from its labels. */
export const TARGET_MODES = ['none', 'fixed', 'template'] as const;
export type TargetMode = (typeof TARGET_MODES)[number];

export const DEFAULT_PANEL_OPTIONS: Readonly<AnomalyBandsOptions> = {
  confidence: CONFIDENCE.default,
  train: '',
  model: 'auto',
  arimaOrder: '2,1,1',
  sensitivity: 'high',
  targetMode: 'none',
  scaleTarget: '',
  showScaleButtons: true,
};

/** Every option path the panel's editor registers, in its order. */
export const PANEL_OPTION_PATHS = Object.keys(DEFAULT_PANEL_OPTIONS) as Array<keyof AnomalyBandsOptions>;

/**
 * The least severity (as the sidecar grades it) a point outside the band needs for a mark: high
 * sensitivity marks every one, low only the most extreme.
 */
export const MIN_SEVERITY: Readonly<Record<Sensitivity, Severity>> = { high: 'low', medium: 'medium', low: 'high' };

/** The model as the sidecar takes it; throws with the reason when the ARIMA order is malformed. */
export function modelChoice(options: Pick<AnomalyBandsOptions, 'model' | 'arimaOrder'>): 'auto' | ArimaOrder {
  return options.model === 'arima' ? parseArimaOrder(options.arimaOrder) : 'auto';
}

/** Why the training window option cannot be used, or undefined ("" leaves the sidecar's default). */
export function trainProblem(train: string): string | undefined {
  if (train.trim() === '' || parseDuration(train) !== undefined) return undefined;
  return `Training window: "${train}" is not a duration like 6h, 90m or 1d`;
}
