import { fitModel } from '../forecast/fit.js';
import { WATCHER_FIT_OPTIONS } from '../watch/detectors.js';
import { ablations, BACKTEST_CONFIDENCE, defaultDetectors, DETECTOR_NAME } from './detectors.js';

describe('the backtest detectors', () => {
  it("fit as a watcher's fits: the engine's options a watcher asks for, at the backtest's confidence", () => {
    const [ours, baseline] = defaultDetectors(fitModel);
    expect(ours!.name).toBe(DETECTOR_NAME);
    expect(ours!.fitSpec).toEqual({ model: 'auto', confidence: BACKTEST_CONFIDENCE, ...WATCHER_FIT_OPTIONS });
    expect(WATCHER_FIT_OPTIONS).toEqual({ weakSeasons: 'auto' });
    // The baseline fits nothing.
    expect(baseline!.fitSpec).toBeUndefined();
    for (const ablation of ablations(fitModel)) expect(ablation.fitSpec).toEqual(ours!.fitSpec);
  });
});
