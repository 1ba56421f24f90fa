import { fisherLog10p, SurpriseTracker } from './surprise.js';
import { DEFAULT_TAIL } from './tail-estimator.js';

/** Standard normal draws from a seeded generator. */
function normals(n: number, seed = 1): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 1) / 2147483649;
  };
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const options = {
  historyPoints: 1000,
  minHistoryPoints: 96,
  tail: DEFAULT_TAIL,
  channels: [
    { input: 'r' as const, points: 1 },
    { input: 'r' as const, points: 6 },
  ],
};

/** Feeds 800 points of noise, then `tail`, and returns the surprise of every point of `tail`. */
function surprisesAfterNoise(tail: number[]): number[] {
  const tracker = new SurpriseTracker(options);
  for (const r of normals(800)) tracker.update({ r });
  return tail.map((r) => tracker.update({ r }).log10p);
}

describe('SurpriseTracker', () => {
  it('is not very surprised by one noisy point of a size the history has seen', () => {
    const [single] = surprisesAfterNoise([3]);
    expect(single).toBeGreaterThan(-2.5);
  });

  it('does not let one huge point imitate a run: a long channel is not held surprised after a spike', () => {
    const tracker = new SurpriseTracker({ ...options, channels: [{ input: 'r' as const, points: 300 }] });
    for (const r of normals(800)) tracker.update({ r });
    const spike = tracker.update({ r: 1e6 }).log10p;
    const after = normals(10, 7).map((r) => tracker.update({ r }).log10p);
    expect(spike).toBeGreaterThan(-3);
    expect(Math.min(...after)).toBeGreaterThan(-3);
  });

  it('is more surprised by a sustained run of moderate residuals than by any one of them', () => {
    const run = surprisesAfterNoise([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    const [single] = surprisesAfterNoise([2.5]);
    expect(run[5]!).toBeLessThan(single! - 1);
    // Evidence accumulates along the run.
    expect(run[5]!).toBeLessThan(run[1]!);
  });

  it('is very surprised by a spike far beyond anything in the history', () => {
    const [spike] = surprisesAfterNoise([25]);
    expect(spike).toBeLessThan(-6);
  });

  it('names the most surprising channel', () => {
    const tracker = new SurpriseTracker(options);
    for (const r of normals(300)) tracker.update({ r });
    expect(tracker.update({ r: 30 }).channel).toBe(0);
  });

  it('leaves a score-only channel out of the surprise that opens and holds an excursion', () => {
    const tracker = new SurpriseTracker({
      ...options,
      channels: [
        { input: 'r' as const, points: 1 },
        { input: 's' as const, points: 1, scoreOnly: true },
      ],
    });
    for (const r of normals(300)) tracker.update({ r, s: r });
    const surprise = tracker.update({ r: 0.1, s: 40 });
    expect(surprise.log10p).toBeLessThan(-3);
    expect(surprise.excursionLog10p).toBeGreaterThan(-1);
    const both = tracker.update({ r: 40, s: 0.1 });
    expect(both.excursionLog10p).toBeLessThan(-3);
  });

  it('lets an opens-only channel open an excursion but not hold one', () => {
    const tracker = new SurpriseTracker({
      ...options,
      channels: [
        { input: 'r' as const, points: 1 },
        { input: 'run' as const, points: 1, opensOnly: true },
      ],
    });
    for (const r of normals(300)) tracker.update({ r, run: r });
    const surprise = tracker.update({ r: 0.1, run: 40 });
    expect(surprise.excursionLog10p).toBeLessThan(-3);
    expect(surprise.holdLog10p).toBeGreaterThan(-1);
  });

  it('uses a Gaussian tail while the history is short', () => {
    const tracker = new SurpriseTracker({ ...options, channels: [{ input: 'r' as const, points: 1 }] });
    // Fisher with one channel is the channel's own p: two-sided 1.96 -> 0.05.
    expect(10 ** tracker.update({ r: 1.959964 }).log10p).toBeCloseTo(0.05, 5);
  });

  it('leaves an abstaining channel out until it can rank against its own history', () => {
    const tracker = new SurpriseTracker({
      ...options,
      minHistoryPoints: 10,
      channels: [
        { input: 'r' as const, points: 1 },
        { input: 'v' as const, points: 1, warmup: 'abstain' as const },
      ],
    });
    // A statistic of 40 would be a 1e-300 surprise by a normal tail; while abstaining it is no evidence,
    // and the combination is the residual channel's own p (Fisher with one vote).
    const early = tracker.update({ r: 1.959964, v: 40 });
    expect(10 ** early.log10p).toBeCloseTo(0.05, 5);
    expect(early.channel).toBe(0);
    for (let i = 0; i < 9; i += 1) tracker.update({ r: 0.1 * (i % 3), v: 40 + i });
    // Ten points of history: the channel votes, and a value far beyond them is surprising again.
    const later = tracker.update({ r: 0, v: 4000 });
    expect(later.channel).toBe(1);
    expect(later.log10p).toBeLessThan(-1);
  });

  it('reports no surprise when every channel abstains', () => {
    const tracker = new SurpriseTracker({
      ...options,
      channels: [{ input: 'v' as const, points: 1, warmup: 'abstain' }],
    });
    expect(tracker.update({ v: 1e6 })).toEqual({ log10p: 0, channel: -1, excursionLog10p: 0, holdLog10p: 0 });
  });

  it('rejects an empty channel list and fractional horizons', () => {
    expect(() => new SurpriseTracker({ ...options, channels: [] })).toThrow(RangeError);
    expect(() => new SurpriseTracker({ ...options, channels: [{ input: 'r', points: 1.5 }] })).toThrow(RangeError);
  });
});

describe('fisherLog10p', () => {
  it('is the identity for one p-value', () => {
    expect(fisherLog10p(Math.log10(0.05), 1)).toBeCloseTo(Math.log10(0.05), 12);
  });

  it('matches the chi-square tail for two p-values', () => {
    // p1 = p2 = 0.1: S = -ln 0.01 = 4.605; tail = e^-S (1 + S) = 0.01 * 5.605.
    expect(10 ** fisherLog10p(2 * Math.log10(0.1), 2)).toBeCloseTo(0.05605, 5);
  });

  it('gives 0 for no evidence and stays finite far out', () => {
    expect(fisherLog10p(0, 4)).toBe(0);
    expect(Number.isFinite(fisherLog10p(-5000, 4))).toBe(true);
    expect(fisherLog10p(-5000, 4)).toBeLessThan(fisherLog10p(-4000, 4));
  });
});
