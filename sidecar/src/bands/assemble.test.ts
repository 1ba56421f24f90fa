import { gridOf } from '../series/grid.js';
import { scoreFromResidual } from '../detect/tail.js';
import { zFor } from '../forecast/calibration.js';
import { severityOf } from '@ntma/contract';
import { assembleSeries } from './assemble.js';
import { scriptedModel } from './__fixtures__/fakes.js';
import type { BandModel } from './engine.js';

const ID = { id: 's1', labels: {} };
/** These tests check verdicts against a fixed band; the model is scripted, so nothing is withheld. */
const NONE = { maxPoints: 0, minShare: 0 };
const trace = scriptedModel;

describe('assembleSeries', () => {
  it('drops the warm-up points and aligns every array with the timestamps', () => {
    const grid = gridOf(1000, 1120, 60);
    const band = assembleSeries(
      { id: 's', labels: { job: 'a' } },
      grid,
      [9, 9, 10, 11, 12],
      trace([9, 9, 10, 10, 10], 1),
      2,
      0.95,
      NONE,
    );
    expect(band.timestamps).toEqual([1000, 1060, 1120]);
    expect(band.actual).toEqual([10, 11, 12]);
    expect(band.forecast).toEqual([10, 10, 10]);
    expect(band.lower).toEqual([9, 9, 9]);
    expect(band.upper).toEqual([11, 11, 11]);
    expect(band.fitMs).toBe(12.3);
  });

  it("reports the predictor's point forecast (a transformed model's median) and bands around its centre", () => {
    const skewed: BandModel = {
      ...trace([], 1),
      predictor: (confidence) => ({
        peek: () => ({ mean: 10, sigma: 1 / zFor(confidence), point: 9.5 }),
        observe: () => {},
      }),
    };
    const band = assembleSeries(ID, gridOf(0, 60, 60), [10.8, 9.2], skewed, 0, 0.95, NONE);
    expect(band.forecast).toEqual([9.5, 9.5]);
    expect(band.lower).toEqual([9, 9]);
    expect(band.upper).toEqual([11, 11]);
    expect(band.anomaly).toEqual([false, false]);
  });

  it('flags points outside the band, scores the edge at the confidence and counts coverage', () => {
    const grid = gridOf(0, 180, 60);
    const band = assembleSeries(ID, grid, [10, 11, 15, 5], trace([10, 10, 10, 10], 1), 0, 0.9, NONE);
    expect(band.anomaly).toEqual([false, false, true, true]);
    expect(band.score[0]).toBe(0);
    // On the band edge the residual is z(0.9); further out it scores higher.
    expect(band.score[1]).toBeCloseTo(scoreFromResidual(zFor(0.9)), 9);
    expect(band.score[2]).toBeGreaterThan(band.score[1]!);
    expect(band.score[3]).toBeGreaterThan(band.score[1]!);
    expect(band.coverage).toBe(0.5);
  });

  it('keeps gaps as null with score 0, never counts them, and tolerates a missing forecast', () => {
    const grid = gridOf(0, 120, 60);
    const band = assembleSeries(ID, grid, [null, 10, 50], trace([10, NaN, 10], 1), 0, 0.95, NONE);
    expect(band.actual).toEqual([null, 10, 50]);
    expect(band.forecast).toEqual([10, null, 10]);
    expect(band.score).toEqual([0, 0, expect.any(Number)]);
    expect(band.anomaly).toEqual([false, false, true]);
    expect(band.coverage).toBe(0);
  });

  it('reads NaN in typed arrays as a gap and answers null for it', () => {
    const band = assembleSeries(
      ID,
      gridOf(0, 120, 60),
      Float64Array.of(10, NaN, 11),
      trace([10, 10, 10], 2),
      0,
      0.95,
      NONE,
    );
    expect(band.actual).toEqual([10, null, 11]);
    expect(band.score[1]).toBe(0);
    expect(band.coverage).toBe(1);
  });

  it('reports no coverage when every point is a gap', () => {
    const band = assembleSeries(ID, gridOf(0, 60, 60), [null, null], trace([1, 1], 1), 0, 0.95, NONE);
    expect(band.coverage).toBeNull();
  });

  it('carries the request id and grades each point outside the band, leaving points inside unmarked', () => {
    const grid = gridOf(0, 180, 60);
    const band = assembleSeries(ID, grid, [10, 11.5, 10, 40], trace([10, 10, 10, 10], 1), 0, 0.95, NONE);
    expect(band.id).toBe('s1');
    expect(band.severity).toEqual([null, expect.any(String), null, 'high']);
    expect(band.severity[1]).toBe(severityOf(band.score[1]!));
    expect(band.kind).toEqual([null, 'spike', null, 'spike']);
  });

  it("names excursions with the watchers' rules: short runs spikes and drops, long low runs level shifts", () => {
    const mean = new Array<number>(30).fill(100);
    const actual = [...mean];
    actual[3] = 200;
    actual[10] = 20;
    for (let i = 16; i < 30; i++) actual[i] = 40;
    const band = assembleSeries(ID, gridOf(0, 29 * 60, 60), actual, trace(mean, 5), 0, 0.95, NONE);
    expect(band.kind[3]).toBe('spike');
    expect(band.kind[10]).toBe('drop');
    expect(band.kind[29]).toBe('level_shift');
    expect(band.kind.filter((k, i) => k !== null && !band.anomaly[i])).toEqual([]);
  });
});
