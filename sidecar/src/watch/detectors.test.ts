import { DEFAULT_DETECTOR } from '../detect/forecast-detector.js';
import { MIN_FIRST_FIT_POINTS, watcherDetectorOptions } from './detectors.js';

describe('watcherDetectorOptions', () => {
  it('fits the native demo (5s step, 10m window) after 60 points and withholds at most half the window', () => {
    expect(watcherDetectorOptions(5, 600)).toEqual({
      stepSeconds: 5,
      maxTrainingSeconds: 600,
      minTrainingSeconds: 300,
      maxWithheldSeconds: 300,
      pendingWithheldSeconds: 60,
      withholdMinShare: 0.2,
    });
  });

  it('fits on half a window shorter than the backtest first fit and withholds ten minutes of points', () => {
    // The default watchers: 15s step, 6h window (the backtest's first fit comes after a day).
    expect(watcherDetectorOptions(15, 6 * 3600)).toEqual({
      stepSeconds: 15,
      maxTrainingSeconds: 6 * 3600,
      minTrainingSeconds: 3 * 3600,
      maxWithheldSeconds: 600,
      pendingWithheldSeconds: 60,
      withholdMinShare: 0.2,
    });
  });

  it('never asks for a first fit on fewer than 60 points unless the window itself is smaller', () => {
    expect(watcherDetectorOptions(5, 300).minTrainingSeconds).toBe(MIN_FIRST_FIT_POINTS * 5);
    expect(watcherDetectorOptions(1, 10)).toMatchObject({ maxTrainingSeconds: 10, minTrainingSeconds: 10 });
    expect(watcherDetectorOptions(300, 60 * 86_400).minTrainingSeconds).toBe(DEFAULT_DETECTOR.minTrainingSeconds);
    // A 10-point window leaves room to withhold 5: half of it.
    expect(watcherDetectorOptions(1, 10).maxWithheldSeconds).toBe(5);
    // So is the first minute's hold while an excursion may yet be named an attack.
    expect(watcherDetectorOptions(1, 10).pendingWithheldSeconds).toBe(5);
  });
});
