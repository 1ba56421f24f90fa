import { createDataFrame, FieldType } from '@grafana/data';
import { seriesFrame } from '../../testing/panelProps';
import { groupByStep, requestSeries, seriesFromFrames } from './series';

describe('seriesFromFrames', () => {
  it('turns each numeric field into a series of [unix seconds, value] with its labels and the queried step', () => {
    const [one] = seriesFromFrames([seriesFrame({ device: 'eth0' }, [1, 2, null, 4])], 60_000);

    expect(one?.labels).toEqual({ device: 'eth0' });
    expect(one?.points).toEqual([
      [1_700_000_000, 1],
      [1_700_000_060, 2],
      [1_700_000_120, null],
      [1_700_000_180, 4],
    ]);
    expect(one?.stepSeconds).toBe(60);
  });

  it('reads NaN and infinities as gaps, never as numbers', () => {
    const [one] = seriesFromFrames([seriesFrame({ device: 'eth0' }, [NaN, Infinity, 3])]);
    expect(one?.points.map((p) => p[1])).toEqual([null, null, 3]);
  });

  it('keeps series with the same label set apart by their ids, adding no label', () => {
    const series = seriesFromFrames([
      seriesFrame({ job: 'node' }, [1, 2], 'A'),
      seriesFrame({ job: 'node' }, [3, 4], 'A'),
    ]);

    expect(series.map((s) => s.labels)).toEqual([{ job: 'node' }, { job: 'node' }]);
    expect(new Set(series.map((s) => s.key)).size).toBe(2);
  });

  it("takes the step from the frame's own interval before the request's, and leaves it to the sidecar otherwise", () => {
    const frame = seriesFrame({ d: 'a' }, [1, 2, 3]);
    frame.fields[0]!.config.interval = 15_000;
    expect(seriesFromFrames([frame], 60_000)[0]?.stepSeconds).toBe(15);
    expect(seriesFromFrames([seriesFrame({ d: 'a' }, [1, 2, 3])])[0]?.stepSeconds).toBeUndefined();
  });

  it('skips frames without a time field', () => {
    const table = createDataFrame({ fields: [{ name: 'v', type: FieldType.number, values: [1] }] });
    expect(seriesFromFrames([table])).toEqual([]);
  });
});

describe('groupByStep', () => {
  it('puts series with different spacing into different requests', () => {
    const series = seriesFromFrames([seriesFrame({ d: 'a' }, [1, 2, 3]), seriesFrame({ d: 'b' }, [1, 2, 3])], 60_000);
    const slower = { ...series[1]!, stepSeconds: 300 };
    expect(groupByStep([series[0]!, slower]).map((g) => g.length)).toEqual([1, 1]);
    expect(groupByStep(series).map((g) => g.length)).toEqual([2]);
  });
});

describe('requestSeries', () => {
  it('sends a series on its step grid in the compact form, gaps kept as nulls', () => {
    const [one] = seriesFromFrames([seriesFrame({ device: 'eth0' }, [1, 2, null, 4])], 60_000);
    expect(requestSeries(one!)).toEqual({
      id: one!.key,
      labels: { device: 'eth0' },
      start: 1_700_000_000,
      values: [1, 2, null, 4],
    });
  });

  it('sends points when a timestamp is missing or off the grid, or the step is not known', () => {
    const [one] = seriesFromFrames([seriesFrame({ device: 'eth0' }, [1, 2, 3, 4])], 60_000);
    const missing = { ...one!, points: one!.points.filter((_, i) => i !== 2) };
    expect(requestSeries(missing)).toEqual({ id: one!.key, labels: { device: 'eth0' }, points: missing.points });
    const off = { ...one!, points: one!.points.map(([t, v], i): [number, number | null] => [i === 3 ? t + 1 : t, v]) };
    expect(requestSeries(off)).toHaveProperty('points', off.points);
    const unknown = { ...one!, stepSeconds: undefined };
    expect(requestSeries(unknown)).toHaveProperty('points', one!.points);
    const single = { ...one!, points: one!.points.slice(0, 1) };
    expect(requestSeries(single)).toHaveProperty('points', single.points);
  });

  it('sends points when the frame queried a step other than its spacing', () => {
    const [one] = seriesFromFrames([seriesFrame({ device: 'eth0' }, [1, 2, 3])], 30_000);
    expect(requestSeries(one!)).toHaveProperty('points', one!.points);
  });
});
