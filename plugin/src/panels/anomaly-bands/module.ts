import { PanelPlugin } from '@grafana/data';
import {
  type AnomalyBandsOptions,
  CONFIDENCE,
  DEFAULT_PANEL_OPTIONS as DEFAULTS,
  type MODEL_CHOICES,
  type SENSITIVITIES,
  type TARGET_MODES,
} from '@ntma/contract';
import { AnomalyBandsPanel } from './components/AnomalyBandsPanel';

// The option paths, choices and defaults are the contract's (the dashboard generator writes panels from the
// same), so a choice listed here that the contract lacks fails to typecheck.
const MODEL_LABELS: Record<(typeof MODEL_CHOICES)[number], string> = { auto: 'Auto', arima: 'ARIMA order' };
const SENSITIVITY_LABELS: Record<(typeof SENSITIVITIES)[number], string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};
const TARGET_MODE_LABELS: Record<(typeof TARGET_MODES)[number], string> = {
  none: 'None',
  fixed: 'Fixed',
  template: 'From series labels',
};

function choices<T extends string>(labels: Record<T, string>): Array<{ value: T; label: string }> {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}

export const plugin = new PanelPlugin<AnomalyBandsOptions>(AnomalyBandsPanel)
  .useFieldConfig()
  .setPanelOptions((builder) =>
    builder
      .addSliderInput({
        path: 'confidence',
        name: 'Confidence',
        description: 'Nominal coverage of the band: 0.95 means 95% of normal points fall inside it.',
        category: ['Band'],
        defaultValue: DEFAULTS.confidence,
        settings: { min: CONFIDENCE.min, max: CONFIDENCE.max, step: 0.001 },
      })
      .addTextInput({
        path: 'train',
        name: 'Training window',
        description: 'How much of the start of the panel range trains the model, e.g. 6h or 1d. Empty: the first half.',
        category: ['Band'],
        defaultValue: DEFAULTS.train,
        settings: { placeholder: 'half of the range' },
      })
      .addRadio({
        path: 'model',
        name: 'Model',
        description: 'Auto removes daily and weekly seasonality, then fits ARIMA; or give an ARIMA order.',
        category: ['Band'],
        defaultValue: DEFAULTS.model,
        settings: { options: choices(MODEL_LABELS) },
      })
      .addTextInput({
        path: 'arimaOrder',
        name: 'ARIMA order (p,d,q)',
        category: ['Band'],
        defaultValue: DEFAULTS.arimaOrder,
        showIf: (options) => options.model === 'arima',
      })
      .addRadio({
        path: 'sensitivity',
        name: 'Sensitivity',
        description: 'High marks every point outside the band; medium and low only the rarer ones.',
        category: ['Anomalies'],
        defaultValue: DEFAULTS.sensitivity,
        settings: { options: choices(SENSITIVITY_LABELS) },
      })
      .addBooleanSwitch({
        path: 'showScaleButtons',
        name: 'Show scale buttons',
        category: ['Scaling'],
        defaultValue: DEFAULTS.showScaleButtons,
      })
      .addRadio({
        path: 'targetMode',
        name: 'Linked scale target',
        description: 'The service the scale buttons act on.',
        category: ['Scaling'],
        defaultValue: DEFAULTS.targetMode,
        settings: { options: choices(TARGET_MODE_LABELS) },
      })
      .addTextInput({
        path: 'scaleTarget',
        name: 'Target',
        description:
          'A target id such as compose:shop:web. Dashboard variables work ($service); with "From series labels", ' +
          "{{label}} takes each series' own label value, e.g. compose:shop:{{service}}.",
        category: ['Scaling'],
        defaultValue: DEFAULTS.scaleTarget,
        showIf: (options) => options.targetMode !== 'none',
        settings: { placeholder: 'compose:shop:web' },
      }),
  );
