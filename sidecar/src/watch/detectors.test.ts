import { DEFAULT_DETECTOR } from '../detect/forecast-detector.js';
import { MIN_FIRST_FIT_POINTS, watcherDetectorOptions } from './detectors.js';

describe('watcherDetectorOptions', () => {
  it('fits the native demo (5s step, 10m window) after 60 points and withholds at most half the window', () => {
    expect(watcherDetectorOptions(5, 600)).toEqual({
      stepSeconds: 5,
      maxTrainingPoints: 120,
      minTrainingPoints: 60,
      maxWithheldPoints: 60,
      withholdMinShare: 0.2,
    });
  });

  it('keeps the backtest first fit for long windows and withholds ten minutes of points', () => {
    // The default watchers: 15s step, 6h window.
    expect(watcherDetectorOptions(15, 6 * 3600)).toEqual({
      stepSeconds: 15,
      maxTrainingPoints: 1440,
      minTrainingPoints: DEFAULT_DETECTOR.minTrainingPoints,
      maxWithheldPoints: 40,
      withholdMinShare: 0.2,
    });
  });

  it('never asks for a first fit on fewer than 60 points unless the window itself is smaller', () => {
    expect(watcherDetectorOptions(5, 300).minTrainingPoints).toBe(MIN_FIRST_FIT_POINTS);
    expect(watcherDetectorOptions(1, 10)).toMatchObject({ maxTrainingPoints: 10, minTrainingPoints: 10 });
    // A 10-point window leaves room to withhold 5: half of it.
    expect(watcherDetectorOptions(1, 10).maxWithheldPoints).toBe(5);
  });
});
