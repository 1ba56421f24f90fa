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

/** Seconds between points: a watcher's step. */
const STEP = 15;

function feed(tracker: ExcursionTracker, values: number[], from = 0): Array<string | null> {
  return values.map((v, i) => tracker.update(point((from + i) * STEP, v)));
}

/** Points that span `seconds` from the first to the last, and at least three (persistence needs evidence). */
const pointsFor = (seconds: number): number => Math.max(3, Math.ceil(seconds / STEP) + 1);

describe('ExcursionTracker', () => {
  it('stays closed while nothing is surprising', () => {
    expect(feed(new ExcursionTracker(), [100, 101, 99, 102])).toEqual([null, null, null, null]);
  });

  it('calls a short rise a spike and closes once the series has been back in band for closeAfterSeconds', () => {
    const inBand = pointsFor(DEFAULT_EXCURSION.closeAfterSeconds);
    const kinds = feed(new ExcursionTracker(), [100, 130, ...Array<number>(inBand).fill(100)]);
    expect(kinds[1]).toBe('spike');
    expect(kinds.slice(2, 1 + inBand)).toEqual(Array(inBand - 1).fill('spike'));
    expect(kinds[1 + inBand]).toBeNull();
  });

  it('measures its spans on the stamps, and needs three points in a row: at a 1-second step, ten seconds', () => {
    const coarse = new ExcursionTracker();
    expect([100, 130, 100, 100, 100].map((v, i) => coarse.update(point(i * 300, v)))).toEqual([
      null,
      'spike',
      'spike',
      'spike',
      null,
    ]);
    const fine = new ExcursionTracker();
    const kinds = [100, 130, ...Array<number>(11).fill(100)].map((v, i) => fine.update(point(i, v)));
    expect(kinds.indexOf(null, 1)).toBe(12);
  });

  it('calls a short fall a drop', () => {
    expect(feed(new ExcursionTracker(), [100, 60])[1]).toBe('drop');
  });

  it('calls a long, noisy rise a sustained overload', () => {
    const long = pointsFor(DEFAULT_EXCURSION.spikeMaxSeconds) + 1;
    const values = Array.from({ length: long }, (_, i) => (i % 2 === 0 ? 120 : 165));
    const kinds = feed(new ExcursionTracker(), [100, ...values]);
    expect(kinds[2]).toBe('spike');
    expect(kinds.at(-1)).toBe('sustained');
  });

  it('calls a step to a new steady level a level shift, up or down', () => {
    const long = pointsFor(DEFAULT_EXCURSION.spikeMaxSeconds) + 1;
    expect(feed(new ExcursionTracker(), [100, ...Array<number>(long).fill(140)]).at(-1)).toBe('level_shift');
    expect(feed(new ExcursionTracker(), [100, ...Array<number>(long).fill(60)]).at(-1)).toBe('level_shift');
  });

  it('turns to the other side only once the series has stayed there for reverseAfterSeconds', () => {
    const directions: number[] = [];
    const tracker = new ExcursionTracker(DEFAULT_EXCURSION, (excursion) => {
      directions.push(excursion.direction);
      return excursion.shape;
    });
    const across = pointsFor(DEFAULT_EXCURSION.reverseAfterSeconds);
    const kinds = feed(tracker, [100, 90, ...Array<number>(across).fill(106)]);
    expect(kinds[1]).toBe('drop');
    expect(kinds.slice(2, 1 + across)).toEqual(Array(across - 1).fill('drop'));
    expect(kinds.at(-1)).toBe('spike');
    expect(tracker.current()).toMatchObject({ startedAt: (1 + across) * STEP, direction: 1, points: 1, baseline: 100 });
    expect(directions.at(-1)).toBe(1);
  });

  it('turns at once when the other side goes past the excursion peak, as a flood after a dip', () => {
    const tracker = new ExcursionTracker();
    expect(feed(tracker, [100, 90, 200])).toEqual([null, 'drop', 'spike']);
    expect(tracker.current()).toMatchObject({ startedAt: 2 * STEP, direction: 1, points: 1 });
  });

  it('does not flap when a settling series alternates above and below its band every step after a flood', () => {
    const tracker = new ExcursionTracker();
    const flood = Array<number>(20).fill(300);
    // For a minute after the flood the model overshoots: +1, -1, +1, -1 ... every step.
    const settling = Array.from({ length: 4 }, (_, i) => (i % 2 === 0 ? 90 : 110));
    const after = Array<number>(pointsFor(DEFAULT_EXCURSION.closeAfterSeconds)).fill(100);
    const values = [100, ...flood, ...settling, ...after];
    const sides: number[] = [];
    const starts = new Set<number>();
    values.forEach((value, i) => {
      const p = point(i * STEP, value);
      tracker.update(p);
      sides.push(tracker.direction(p.band));
      if (tracker.current()) starts.add(tracker.current()!.startedAt);
    });
    // One excursion, reported above the band from the flood through its recovery, then back to 0.
    expect(starts).toEqual(new Set([STEP]));
    expect(sides.slice(1, -1).every((side) => side === 1)).toBe(true);
    expect(sides.at(-1)).toBe(0);
  });

  it('does not turn +1/-1 every step when, with no excursion open, a settling model swings across its band', () => {
    const tracker = new ExcursionTracker();
    const report = (values: number[], surprising = false): number[] =>
      values.map((value, i) => {
        const p = point(i * STEP, value, surprising);
        tracker.update(p);
        return tracker.direction(p.band);
      });
    // Out of band on alternate sides, never surprising enough to open an excursion.
    const sides = report([100, 104, 96, 104, 96, 104, 96, 100]);
    expect(tracker.current()).toBeNull();
    expect(sides).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    const turns = sides.filter((side, i) => i > 0 && side !== 0 && side === -sides[i - 1]!).length;
    expect(turns).toBe(0);
  });

  it('still reports, with no excursion open, a side held two points in a row and a side reached from the band', () => {
    const tracker = new ExcursionTracker();
    const sides = [100, 104, 96, 96, 96, 100, 104, 100, 96].map((value, i) => {
      const p = point(i * STEP, value, false);
      tracker.update(p);
      return tracker.direction(p.band);
    });
    expect(sides).toEqual([0, 1, 0, -1, -1, 0, 1, 0, -1]);
  });

  it('keeps one excursion through an in-band point on the other side of the forecast', () => {
    const tracker = new ExcursionTracker();
    expect(feed(tracker, [100, 60, 101, 60])).toEqual([null, 'drop', 'drop', 'drop']);
    expect(tracker.current()).toMatchObject({ startedAt: STEP, direction: -1, points: 3 });
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
