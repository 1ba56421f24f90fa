import { PanelPlugin } from '@grafana/data';
import { AnomalyBandsPanel } from './components/AnomalyBandsPanel';
import { type AnomalyBandsOptions, DEFAULT_OPTIONS } from './options';

export const plugin = new PanelPlugin<AnomalyBandsOptions>(AnomalyBandsPanel)
  .useFieldConfig()
  .setPanelOptions((builder) =>
    builder
      .addSliderInput({
        path: 'confidence',
        name: 'Confidence',
        description: 'Nominal coverage of the band: 0.95 means 95% of normal points fall inside it.',
        category: ['Band'],
        defaultValue: DEFAULT_OPTIONS.confidence,
        settings: { min: 0.8, max: 0.999, step: 0.001 },
      })
      .addTextInput({
        path: 'train',
        name: 'Training window',
        description: 'How much of the start of the panel range trains the model, e.g. 6h or 1d. Empty: the first half.',
        category: ['Band'],
        defaultValue: DEFAULT_OPTIONS.train,
        settings: { placeholder: 'half of the range' },
      })
      .addRadio({
        path: 'model',
        name: 'Model',
        description: 'Auto removes daily and weekly seasonality, then fits ARIMA; or give an ARIMA order.',
        category: ['Band'],
        defaultValue: DEFAULT_OPTIONS.model,
        settings: {
          options: [
            { value: 'auto', label: 'Auto' },
            { value: 'arima', label: 'ARIMA order' },
          ],
        },
      })
      .addTextInput({
        path: 'arimaOrder',
        name: 'ARIMA order (p,d,q)',
        category: ['Band'],
        defaultValue: DEFAULT_OPTIONS.arimaOrder,
        showIf: (options) => options.model === 'arima',
      })
      .addRadio({
        path: 'sensitivity',
        name: 'Sensitivity',
        description: 'High marks every point outside the band; medium and low only the rarer ones.',
        category: ['Anomalies'],
        defaultValue: DEFAULT_OPTIONS.sensitivity,
        settings: {
          options: [
            { value: 'low', label: 'Low' },
            { value: 'medium', label: 'Medium' },
            { value: 'high', label: 'High' },
          ],
        },
      })
      .addBooleanSwitch({
        path: 'showScaleButtons',
        name: 'Show scale buttons',
        category: ['Scaling'],
        defaultValue: DEFAULT_OPTIONS.showScaleButtons,
      })
      .addRadio({
        path: 'targetMode',
        name: 'Linked scale target',
        description: 'The service the scale buttons act on.',
        category: ['Scaling'],
        defaultValue: DEFAULT_OPTIONS.targetMode,
        settings: {
          options: [
            { value: 'none', label: 'None' },
            { value: 'fixed', label: 'Fixed' },
            { value: 'template', label: 'From series labels' },
          ],
        },
      })
      .addTextInput({
        path: 'scaleTarget',
        name: 'Target',
        description:
          'A target id such as compose:shop:web. Dashboard variables work ($service); with "From series labels", ' +
          "{{label}} takes each series' own label value, e.g. compose:shop:{{service}}.",
        category: ['Scaling'],
        defaultValue: DEFAULT_OPTIONS.scaleTarget,
        showIf: (options) => options.targetMode !== 'none',
        settings: { placeholder: 'compose:shop:web' },
      }),
  );
