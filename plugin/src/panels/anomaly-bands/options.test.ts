import { minimumScore, modelChoice, trainProblem } from './options';
import { linkedTargets } from './target';
import { seriesFromFrames } from './series';
import { seriesFrame } from '../../testing/panelProps';

describe('panel options', () => {
  it('turns an ARIMA order into the model the sidecar takes, naming the option when it is wrong', () => {
    expect(modelChoice({ model: 'auto', arimaOrder: 'junk' })).toBe('auto');
    expect(modelChoice({ model: 'arima', arimaOrder: '2, 1, 1' })).toEqual({ p: 2, d: 1, q: 1 });
    expect(() => modelChoice({ model: 'arima', arimaOrder: '2,1' })).toThrow(/^ARIMA order: "2,1" is not "p,d,q"/);
    expect(() => modelChoice({ model: 'arima', arimaOrder: '2,3,1' })).toThrow(/outside p 0..5, d 0..2/);
  });

  it('accepts Prometheus durations and seconds as the training window', () => {
    expect(trainProblem('')).toBeUndefined();
    expect(trainProblem('1h30m')).toBeUndefined();
    expect(trainProblem('3600')).toBeUndefined();
    expect(trainProblem('an hour')).toMatch(/^Training window: "an hour"/);
  });

  it('raises the mark threshold as sensitivity drops', () => {
    expect(minimumScore('high', 0.95)).toBe(0.95);
    expect(minimumScore('medium', 0.95)).toBe(0.99);
    expect(minimumScore('low', 0.95)).toBe(0.999);
  });
});

describe('linkedTargets', () => {
  const series = seriesFromFrames([
    seriesFrame({ service: 'web' }, [1, 2]),
    seriesFrame({ service: 'api' }, [1, 2]),
    seriesFrame({ other: 'x' }, [1, 2]),
  ]);
  const vars = (v: string) => v.replace('$project', 'shop');

  it('is empty without a target', () => {
    expect(linkedTargets({ targetMode: 'none', scaleTarget: 'compose:shop:web' }, series, vars)).toEqual([]);
  });

  it('replaces dashboard variables in a fixed target', () => {
    expect(linkedTargets({ targetMode: 'fixed', scaleTarget: 'compose:$project:web' }, series, vars)).toEqual([
      'compose:shop:web',
    ]);
  });

  it("fills {{label}} from each series' labels and skips series without that label", () => {
    expect(
      linkedTargets({ targetMode: 'template', scaleTarget: 'compose:$project:{{service}}' }, series, vars),
    ).toEqual(['compose:shop:api', 'compose:shop:web']);
  });
});
