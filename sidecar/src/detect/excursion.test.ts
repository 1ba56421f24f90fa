import { DEFAULT_EXCURSION, ExcursionTracker, type ExcursionInput } from './excursion.js';

/** A point of a series whose forecast is 100 with sigma 1 and a 99% band of ±2.58. */
function point(t: number, value: number, surprising = Math.abs(value - 100) > 4): ExcursionInput {
  const residual = value - 100;
  return {
    t,
    value,
    forecast: 100,
    residual,
    band: residual > 2.58 ? 1 : residual < -2.58 ? -1 : 0,
    log10p: surprising ? -6 : -0.3,
  };
}

function feed(tracker: ExcursionTracker, values: number[], from = 0): Array<string | null> {
  return values.map((v, i) => tracker.update(point(from + i, v)));
}

describe('ExcursionTracker', () => {
  it('stays closed while nothing is surprising', () => {
    expect(feed(new ExcursionTracker(), [100, 101, 99, 102])).toEqual([null, null, null, null]);
  });

  it('calls a short rise a spike and closes after the series is back in band for a while', () => {
    const kinds = feed(new ExcursionTracker(), [100, 130, 100, 100, 100, 100, 100, 100, 100]);
    expect(kinds[1]).toBe('spike');
    expect(kinds[2]).toBe('spike');
    expect(kinds[1 + DEFAULT_EXCURSION.closeAfterPoints]).toBeNull();
  });

  it('calls a short fall a drop', () => {
    expect(feed(new ExcursionTracker(), [100, 60])[1]).toBe('drop');
  });

  it('calls a long, noisy rise a sustained overload', () => {
    const kinds = feed(new ExcursionTracker(), [100, 120, 150, 115, 160, 125, 170, 118]);
    expect(kinds[2]).toBe('spike');
    expect(kinds[7]).toBe('sustained');
  });

  it('calls a step to a new steady level a level shift, up or down', () => {
    expect(feed(new ExcursionTracker(), [100, 140, 140, 141, 140, 139, 140]).at(-1)).toBe('level_shift');
    expect(feed(new ExcursionTracker(), [100, 60, 61, 60, 59, 60, 60]).at(-1)).toBe('level_shift');
  });

  it('opens a new excursion when the series crosses to the other side of its band', () => {
    const directions: number[] = [];
    const tracker = new ExcursionTracker(DEFAULT_EXCURSION, (excursion) => {
      directions.push(excursion.direction);
      return excursion.shape;
    });
    expect(feed(tracker, [100, 90, 200, 200])).toEqual([null, 'drop', 'spike', 'spike']);
    expect(tracker.current()).toMatchObject({ startedAt: 2, direction: 1, points: 2, baseline: 100 });
    expect(directions).toEqual([-1, 1, 1]);
  });

  it('keeps one excursion through an in-band point on the other side of the forecast', () => {
    const tracker = new ExcursionTracker();
    expect(feed(tracker, [100, 60, 101, 60])).toEqual([null, 'drop', 'drop', 'drop']);
    expect(tracker.current()).toMatchObject({ startedAt: 1, direction: -1, points: 3 });
  });

  it('lets a classifier hook name the excursion, e.g. attack_suspected', () => {
    const seen: number[] = [];
    const tracker = new ExcursionTracker(DEFAULT_EXCURSION, (excursion) => {
      seen.push(excursion.points);
      return excursion.direction > 0 && excursion.peakResidual > 40 ? 'attack_suspected' : excursion.shape;
    });
    expect(feed(tracker, [100, 150, 170])).toEqual([null, 'attack_suspected', 'attack_suspected']);
    expect(seen).toEqual([1, 2]);
    expect(tracker.currentKind()).toBe('attack_suspected');
  });
});
