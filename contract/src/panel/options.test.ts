import { Value } from 'typebox/value';
import { AnomalyBandsOptionsSchema, SavedAnomalyBandsOptionsSchema } from '../schemas/panel-options.js';
import {
  DEFAULT_PANEL_OPTIONS,
  MIN_SEVERITY,
  MODEL_CHOICES,
  PANEL_OPTION_PATHS,
  SENSITIVITIES,
  TARGET_MODES,
  modelChoice,
  trainProblem,
} from './options.js';

function literals(schema: unknown): unknown[] {
  return ((schema as { anyOf: Array<{ const: unknown }> }).anyOf ?? []).map((s) => s.const);
}

describe('the panel options', () => {
  it('have defaults the schema accepts, one per path', () => {
    expect(Value.Check(AnomalyBandsOptionsSchema, DEFAULT_PANEL_OPTIONS)).toBe(true);
    expect(PANEL_OPTION_PATHS.sort()).toEqual(Object.keys(AnomalyBandsOptionsSchema.properties).sort());
  });

  it('offer the choices the schema allows', () => {
    expect(literals(AnomalyBandsOptionsSchema.properties.model)).toEqual([...MODEL_CHOICES]);
    expect(literals(AnomalyBandsOptionsSchema.properties.sensitivity)).toEqual([...SENSITIVITIES]);
    expect(literals(AnomalyBandsOptionsSchema.properties.targetMode)).toEqual([...TARGET_MODES]);
    expect(Object.keys(MIN_SEVERITY).sort()).toEqual([...SENSITIVITIES].sort());
  });

  it('as saved in a dashboard, may omit options but carry no unknown one', () => {
    expect(Value.Check(SavedAnomalyBandsOptionsSchema, { sensitivity: 'medium' })).toBe(true);
    expect(Value.Check(SavedAnomalyBandsOptionsSchema, { trainingWindow: '6h' })).toBe(false);
    expect(Value.Check(SavedAnomalyBandsOptionsSchema, { model: 'mstl-arima' })).toBe(false);
  });

  it('turn the model options into what the sidecar takes', () => {
    expect(modelChoice({ model: 'auto', arimaOrder: 'junk' })).toBe('auto');
    expect(modelChoice({ model: 'arima', arimaOrder: '1,1,2' })).toEqual({ p: 1, d: 1, q: 2 });
    expect(() => modelChoice({ model: 'arima', arimaOrder: '9,9,9' })).toThrow('outside');
  });

  it('read the training window with the one duration grammar', () => {
    expect(trainProblem('')).toBeUndefined();
    expect(trainProblem('1h30m')).toBeUndefined();
    expect(trainProblem('3600')).toBeUndefined();
    expect(trainProblem('6 hours')).toContain('not a duration');
  });
});
