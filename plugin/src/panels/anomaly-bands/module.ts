import { FieldColorModeId, FieldConfigProperty, PanelPlugin } from '@grafana/data';
import type { GraphFieldConfig } from '@grafana/schema';
import { commonOptionsBuilder, getGraphFieldOptions, GraphThresholdsStyleMode } from '@grafana/ui';
import {
  type AnomalyBandsOptions,
  CONFIDENCE,
  DEFAULT_PANEL_OPTIONS as DEFAULTS,
  type MODEL_CHOICES,
  type SENSITIVITIES,
  type TARGET_MODES,
} from '@ntma/contract';
import { DEFAULT_BAND_OPACITY } from './chartFrames';
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

export const plugin = new PanelPlugin<AnomalyBandsOptions, GraphFieldConfig>(AnomalyBandsPanel)
  // The standard options (unit, decimals, min, max, thresholds, colour) and the part of the time series panel's
  // own field config this chart honours: line width, band opacity, axis, threshold style, and `hideFrom`, which
  // Grafana's legend sets through an override when a series is toggled.
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Color]: {
        settings: { byValueSupport: false, bySeriesSupport: true, preferThresholdsMode: false },
        defaultValue: { mode: FieldColorModeId.PaletteClassic },
      },
    },
    useCustomConfig: (builder) => {
      builder
        .addSliderInput({
          path: 'lineWidth',
          name: 'Line width',
          category: ['Graph styles'],
          defaultValue: 1,
          settings: { min: 0, max: 10, step: 1 },
        })
        .addSliderInput({
          path: 'fillOpacity',
          name: 'Band opacity',
          description: 'How strongly the band between the lower and upper bound is filled.',
          category: ['Graph styles'],
          defaultValue: DEFAULT_BAND_OPACITY,
          settings: { min: 0, max: 100, step: 1 },
        })
        .addSelect({
          path: 'thresholdsStyle.mode',
          name: 'Show thresholds',
          category: ['Thresholds'],
          defaultValue: GraphThresholdsStyleMode.Off,
          settings: { options: getGraphFieldOptions().thresholdsDisplayModes },
        });
      commonOptionsBuilder.addAxisConfig(builder, {});
      commonOptionsBuilder.addHideFrom(builder);
    },
  })
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
        description:
          "How much history trains the model, e.g. 6h or 1d. On the sidecar's Prometheus: the history before the " +
          'panel range (empty: a week, or what there is). Other datasources: the start of the range (empty: its first half).',
        category: ['Band'],
        defaultValue: DEFAULTS.train,
        settings: { placeholder: 'a week before the range' },
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
