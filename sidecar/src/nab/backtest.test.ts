import { fakeFit } from '../detect/__fixtures__/fake-model.js';
import { ForecastDetector } from '../detect/forecast-detector.js';
import type { Fit } from '../forecast/types.js';
import { nominalStepSeconds, runFile } from './backtest.js';
import type { NabFile } from './corpus.js';

function file(values: number[], step = 300): NabFile {
  const timestamps = values.map((_, i) => 1_400_000_000 + i * step);
  return {
    key: 'test/series.csv',
    category: 'test',
    name: 'series.csv',
    timestampText: timestamps.map(String),
    timestamps,
    values,
    windows: [],
  };
}

const wave = (n: number): number[] => Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 3));

describe('runFile', () => {
  it('streams every row through the detector, fitting when it asks, and keeps its outputs aligned', () => {
    const fit = fakeFit();
    const progress: number[] = [];
    const run = runFile(
      file(wave(700)),
      { name: 'x', create: (step) => new ForecastDetector({ stepSeconds: step, minTrainingSeconds: 100 * step }), fit },
      (done) => progress.push(done),
    );
    expect(run.stepSeconds).toBe(300);
    expect(run.scores).toHaveLength(700);
    expect(Number.isNaN(run.forecast[99]!)).toBe(true);
    expect(Number.isNaN(run.forecast[100]!)).toBe(false);
    expect(run.fits).toBe(fit.calls.length);
    expect(run.fits).toBeGreaterThanOrEqual(3);
    // The models that served, with consecutive repeats collapsed.
    const names = fit.models.map((m) => m.name);
    expect(run.models).toEqual(names.filter((name, i) => name !== names[i - 1]));
    expect(progress.at(-1)).toBe(700);
    expect(run.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('gives one score per row to a file whose clock repeats and goes back and whose values have holes', () => {
    const values = wave(900).map((v, i) => (i >= 500 && i < 520 ? Number.NaN : v));
    const f = file(values);
    f.timestamps[200] = f.timestamps[199]!;
    for (let i = 600; i < 900; i += 1) f.timestamps[i] = f.timestamps[i]! - 7200;
    const run = runFile(f, {
      name: 'x',
      create: (step) => new ForecastDetector({ stepSeconds: step, minTrainingSeconds: 100 * step }),
      fit: fakeFit(),
    });
    expect(run.stepSeconds).toBe(300);
    expect(run.scores).toHaveLength(900);
    expect(run.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(Number.isNaN(run.forecast[899]!)).toBe(false);
  });

  it('counts a fit that throws, tells the detector, and carries on', () => {
    const failing: Fit = () => {
      throw new Error('nothing fits');
    };
    const detector = new ForecastDetector({
      stepSeconds: 300,
      minTrainingSeconds: 50 * 300,
      fitBackoffSeconds: 100 * 300,
    });
    const run = runFile(file(wave(400)), { name: 'x', create: () => detector, fit: failing });
    // Asked at rows 50, 150, 250 and 350: once per back-off.
    expect(run.failedFits).toBe(4);
    expect(run.fits).toBe(0);
    expect(run.scores.every((s) => s === 0)).toBe(true);
  });
});

describe('nominalStepSeconds', () => {
  it('reads the step from the first rows only', () => {
    const timestamps = [
      ...Array.from({ length: 600 }, (_, i) => i * 300),
      ...Array.from({ length: 2000 }, (_, i) => 180_000 + i * 60),
    ];
    expect(nominalStepSeconds(timestamps, 'k')).toBe(300);
  });

  it('looks past first rows whose clock never moves forward, and names a file whose clock never does', () => {
    const stuck = [...Array<number>(600).fill(0), 60, 120, 180];
    expect(nominalStepSeconds(stuck, 'k')).toBe(60);
    expect(() => nominalStepSeconds([5, 5, 4], 'a/b.csv')).toThrow(/a\/b\.csv/);
  });
});
