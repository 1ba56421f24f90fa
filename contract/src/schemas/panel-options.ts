import { Type, type Static } from 'typebox';
import { CONFIDENCE } from '../limits.js';

// Literal lists are spelled here rather than imported from panel/options.ts, which imports this
// file's type; the panel-options test checks that both lists agree.
export const AnomalyBandsOptionsSchema = Type.Object(
  {
    confidence: Type.Number({
      minimum: CONFIDENCE.min,
      maximum: CONFIDENCE.max,
      description: 'Nominal band coverage',
    }),
    train: Type.String({ description: 'Training window, e.g. "6h"; empty lets the sidecar choose' }),
    model: Type.Union([Type.Literal('auto'), Type.Literal('arima')]),
    arimaOrder: Type.String({ description: 'ARIMA order "p,d,q" when model is arima' }),
    sensitivity: Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')], {
      description: 'Which out-of-band points get a mark, by the severity the sidecar gives them',
    }),
    targetMode: Type.Union([Type.Literal('none'), Type.Literal('fixed'), Type.Literal('template')]),
    scaleTarget: Type.String({
      description:
        'A target id (compose:shop:web), one with dashboard variables (compose:shop:$service) or, in template ' +
        "mode, one taking each series' label (compose:shop:{{service}})",
    }),
    showScaleButtons: Type.Boolean(),
  },
  { additionalProperties: false },
);

export type AnomalyBandsOptions = Static<typeof AnomalyBandsOptionsSchema>;

/** What a saved dashboard may carry: any subset of the options (the panel fills in defaults), nothing else. */
export const SavedAnomalyBandsOptionsSchema = Type.Partial(AnomalyBandsOptionsSchema, { additionalProperties: false });
