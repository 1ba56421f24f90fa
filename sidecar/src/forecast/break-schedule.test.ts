import {
  breakChance,
  breakRate,
  breakSchedule,
  constantChance,
  ONE_GAP_DOUBT,
  OVERDUE_Z,
  REGULAR_SPREAD,
  scheduleChance,
  SCHEDULE_DOUBT,
  TIMING_FLOOR,
} from './break-schedule.js';

/** The constant rate's chance, written out: at least one break within h steps at `breaks` over the window's steps. */
const constant = (breaks: number, windowLength: number, horizon: number): number[] =>
  Array.from({ length: horizon }, (_, i) => 1 - (1 - breaks / (windowLength - 1)) ** (i + 1));

describe('breakChance', () => {
  it('is the constant rate, to the bit, with too few breaks to judge a schedule', () => {
    for (const breaks of [[], [350], [350, 1050]]) {
      expect(Array.from(breakChance(breaks, 2000, 60))).toEqual(constant(breaks.length, 2000, 60));
    }
    expect(breakRate([350, 1050], 2000)).toBe(2 / 1999);
    expect(breakRate([], 1)).toBe(0);
  });

  it('is the constant rate, to the bit, where the gaps are not regular', () => {
    // Gaps of 500 and 800: a spread of 0.28 of their mean.
    const breaks = [300, 800, 1600];
    expect(breakSchedule(breaks, 2000)).toBeUndefined();
    expect(Array.from(breakChance(breaks, 2000, 60))).toEqual(constant(3, 2000, 60));
    // Four gaps, 640-760: still over 3% of their mean.
    expect(breakSchedule([100, 740, 1500, 2200, 2900], 3000)).toBeUndefined();
  });

  it('is the constant rate in a window too short to hold two gaps at every phase of the schedule', () => {
    // The shape suite's counter at its phase: restarts at 350, 1050 and 1750 in 2,000 points. A window cut where
    // the next is due holds one gap only, so at random phase three restarts mean none is coming soon.
    expect(breakSchedule([350, 1050, 1750], 2000)).toBeUndefined();
    expect(Array.from(breakChance([350, 1050, 1750], 2000, 60))).toEqual(constant(3, 2000, 60));
    expect(breakSchedule([350, 1050, 1750], 2100)).toBeUndefined();
    expect(breakSchedule([350, 1050, 1750], 2101)).toBeDefined();
  });

  it('is near zero mid-gap on a regular schedule', () => {
    // Restarts at 350, 1050 and 1750, the window's last point 449 after.
    const p = breakChance([350, 1050, 1750], 2200, 60);
    expect(breakSchedule([350, 1050, 1750], 2200)).toEqual({ gap: 700, spread: 7, age: 449, rate: 3 / 2199, gaps: 2 });
    // Only the constant rate's share the schedule leaves (SCHEDULE_DOUBT) is left: under a tenth of its chance.
    expect(p[59]!).toBeLessThan(0.1 * constant(3, 2200, 60)[59]!);
    expect(p[59]!).toBeGreaterThan(0);
    for (let i = 1; i < 60; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
  });

  it('rises around a break the schedule has due inside the horizon', () => {
    // Breaks every 700 steps, the last 669 steps before the window's end: the next is due at step 31.
    const p = breakChance([200, 900, 1600], 2270, 60);
    expect(p[9]!).toBeLessThan(0.05);
    expect(p[30]!).toBeGreaterThan(0.4);
    expect(p[30]!).toBeLessThan(0.65);
    // All but the constant rate's share (SCHEDULE_DOUBT, weighed by the wait).
    expect(p[52]!).toBeGreaterThan(0.95);
    // Spread over the timing floor's 7 steps (two equal gaps do not claim the step): not a step function.
    expect(p[26]!).toBeGreaterThan(0.15);
    expect(p[34]!).toBeLessThan(0.85);
    for (let i = 1; i < 60; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
  });

  it("keeps a schedule with a little jitter, its spread the gaps' own", () => {
    const schedule = breakSchedule([100, 790, 1500, 2195], 2500);
    expect(schedule).toBeDefined();
    expect(schedule!.gap).toBeCloseTo(698.33, 2);
    expect(schedule!.spread).toBeGreaterThan(TIMING_FLOOR * schedule!.gap);
    const p = breakChance([100, 790, 1500, 2195], 2800, 60);
    // The next is due about step 94 of the horizon that starts 604 steps after the last break: none in 60 steps.
    expect(p[59]!).toBeLessThan(0.02);
  });

  it('falls back to the constant rate, not to certainty, once the schedule is overdue', () => {
    // The last break 799 steps ago on a schedule of 700 with a spread of 7: past 700 + 3 x 7.
    expect(700 + OVERDUE_Z * 7).toBeLessThan(799);
    expect(breakSchedule([200, 900, 1600], 2400)).toBeUndefined();
    expect(Array.from(breakChance([200, 900, 1600], 2400, 60))).toEqual(constant(3, 2400, 60));
    // Just before, the wait already weighs against the schedule: far from certain a step ahead.
    const late = breakChance([200, 900, 1600], 1600 + 718, 60);
    expect(late[0]!).toBeLessThan(0.5);
  });

  it('takes no schedule from a window that waited longer for its first break than the gaps allow', () => {
    expect(breakSchedule([900, 1600, 2300], 2500)).toBeUndefined();
    expect(Array.from(breakChance([900, 1600, 2300], 2500, 60))).toEqual(constant(3, 2500, 60));
  });

  it('mixes the schedule and the constant rate by how well each explains the wait (Bayes)', () => {
    const schedule = breakSchedule([350, 1050, 1750], 2200)!;
    const p = breakChance([350, 1050, 1750], 2200, 60);
    const trust = (1 - SCHEDULE_DOUBT) / (1 - SCHEDULE_DOUBT + SCHEDULE_DOUBT * (1 - schedule.rate) ** schedule.age);
    // Mid-gap the schedule's own chance is ~0, so what is left is the constant rate's share.
    expect(p[59]!).toBeCloseTo((1 - trust) * constantChance(schedule.rate, 60)[59]!, 6);
  });
});

describe("breakSchedule, sparse (a counter's restarts)", () => {
  it("reads one gap where the window is two gaps long, with the loosest spread and one gap's trust", () => {
    // Restarts at 650 and 1,350 of 2,000 points: the next due at step 51.
    expect(breakSchedule([650, 1350], 2000)).toBeUndefined();
    const schedule = breakSchedule([650, 1350], 2000, true);
    expect(schedule).toEqual({ gap: 700, spread: REGULAR_SPREAD * 700, age: 649, rate: 2 / 1999, gaps: 1 });
    const p = scheduleChance(schedule!, 60);
    const constantP = constantChance(2 / 1999, 60);
    // A step ahead, 2.4 spreads before it is due, hardly more than the constant rate's chance.
    expect(p[0]!).toBeLessThan(2 * constantP[0]!);
    // Nine steps after it is due (0.43 spreads), far over the constant rate's 6%, but never over the schedule's
    // share of the trust (the wait, ~1 under the schedule, weighed against the constant rate's) and the rest's chance.
    const trust = (1 - ONE_GAP_DOUBT) / (1 - ONE_GAP_DOUBT + ONE_GAP_DOUBT * (1 - 2 / 1999) ** 649);
    expect(trust).toBeLessThan(0.5);
    expect(p[59]!).toBeGreaterThan(4 * constantP[59]!);
    expect(p[59]!).toBeLessThan(trust + constantP[59]!);
    for (let i = 1; i < 60; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
  });

  it('reads regular gaps whatever the window holds at other phases, the phases where one is due read from one gap', () => {
    // The shape suite's counter at its phase: three restarts, which not every phase of a 2,000-point window holds.
    expect(breakSchedule([350, 1050, 1750], 2000)).toBeUndefined();
    const schedule = breakSchedule([350, 1050, 1750], 2000, true)!;
    expect(schedule).toEqual({ gap: 700, spread: TIMING_FLOOR * 700, age: 249, rate: 3 / 1999, gaps: 2 });
    const oneGap = breakSchedule([650, 1350], 1600, true)!;
    expect(oneGap).toMatchObject({ gap: 700, spread: REGULAR_SPREAD * 700, age: 249, gaps: 1 });
    // Mid-gap both leave some of the constant rate's chance; one gap's trust leaves more.
    const twoP = scheduleChance(schedule, 60)[59]!;
    const oneP = scheduleChance({ ...oneGap, rate: schedule.rate }, 60)[59]!;
    expect(twoP).toBeLessThan(0.1 * constantChance(schedule.rate, 60)[59]!);
    expect(oneP).toBeGreaterThan(twoP);
    expect(oneP).toBeLessThan(constantChance(schedule.rate, 60)[59]!);
  });

  it('leaves a window under two gaps long, irregular gaps, an overdue restart and a late first one to the constant rate', () => {
    expect(breakSchedule([100, 900], 1500, true)).toBeUndefined();
    expect(breakSchedule([300, 800, 1600], 2000, true)).toBeUndefined();
    // 949 steps since the last of a 700-step gap: past 700 + 3 x 21.
    expect(breakSchedule([350, 1050], 2000, true)).toBeUndefined();
    expect(breakSchedule([800, 1500], 2100, true)).toBeUndefined();
    expect(breakSchedule([700], 2000, true)).toBeUndefined();
  });

  it('keeps a full read as it was: the sparse flag changes nothing where two gaps are held at every phase', () => {
    expect(breakSchedule([350, 1050, 1750], 2200, true)).toEqual(breakSchedule([350, 1050, 1750], 2200));
    expect(breakSchedule([100, 790, 1500, 2195], 2500, true)).toEqual(breakSchedule([100, 790, 1500, 2195], 2500));
  });
});
