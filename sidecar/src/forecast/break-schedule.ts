/**
 * The chance of a break (a counter's restart, a level's step) within each step ahead, from where the window's breaks
 * fell. Breaks that come at random are best told by their rate: the chance of at least one within h steps is
 * 1 - (1 - r)^h, r the breaks per step over the window, whatever the time since the last. Breaks on a schedule (a
 * nightly restart cron, a rotation) are not: mid-gap none is coming, and near the schedule's next one it is all but
 * certain. Where the window's gaps between breaks are regular, the chance follows the time since the last break as a
 * renewal process does; where they are not, or too few to judge, or the schedule's next break is overdue, it is the
 * constant rate. Pure: no model, no data, only break positions (issue 18, rst26).
 */
import { normalCdf } from './calibration.js';

/**
 * Gaps between breaks (three breaks) the window needs before its gaps are read as a schedule; and a window must be
 * long enough to hold that many at every phase of the schedule, MIN_REGULAR_GAPS + 1 mean gaps (breakSchedule).
 */
export const MIN_REGULAR_GAPS = 2;
/**
 * Largest standard deviation of the gaps, as a share of their mean, that is a schedule. A cron or a rotation runs
 * to the minute (a nightly one at 1-minute steps: a share of 0.001), and one with a random delay of a quarter of an
 * hour still keeps a daily one under 0.01. Gaps drawn at random seldom pass: in 20,000 windows of 2,000 points
 * (breakSchedule's other checks included), gaps uniform over 171-629 steps passed at 1.5% (61 with two gaps, 240
 * with three), geometric ones of mean 400 at none; of a schedule of 400 +- 11 steps, every window passed.
 */
export const REGULAR_SPREAD = 0.03;
/**
 * The timing's spread is at least this share of the mean gap (and a whole step): two or three equal gaps say the
 * schedule is regular, not that its next break is certain to the step (a daily cron at 1-minute steps: 14 steps).
 */
export const TIMING_FLOOR = 0.01;
/**
 * Spreads past the mean gap at which the schedule no longer explains a wait: a window whose start waited longer
 * before its first break is no schedule, and one whose last break is longer ago is overdue (the schedule has
 * stopped or moved), and both take the constant rate.
 */
export const OVERDUE_Z = 3;
/**
 * How far gaps that pass the rule are doubted to be a schedule, at two gaps; each further one divides the doubt by as
 * much (three gaps: 0.01): each further gap inside the spread is one more coincidence random gaps would need. The chance is
 * the mixture of the schedule's and the constant rate's, each weighed also by how well it explains the wait since
 * the last break (Bayes' rule): the schedule hands over to the constant rate smoothly as the wait runs past it, and
 * mid-gap some of the constant rate's chance stays.
 */
export const SCHEDULE_DOUBT = 0.1;
/**
 * The doubt of a schedule read from one gap (breakSchedule's `sparse` read, a counter's restarts): one gap is no
 * evidence that the breaks are regular, only of where the next would fall if they were, so the schedule is trusted
 * a fifth before the wait weighs in. A 2,000-point window holds one gap of a 700-step schedule exactly where a restart
 * is due (rst26), and the constant rate reached that restart about 25 steps late: on the shape suite's counter at
 * random phase those hours held 0.63-0.67 of their points, 0.92-0.93 read so (1,000 origins, seeds 3 / 4; cnt27).
 * Chosen over 600 origins a gap kind (seed 4, mean interval score, width plus 40 x each miss, one gap read at this
 * doubt and two at the window condition's): at 0.8 restarts exactly 700 apart 25,882 -> 12,052, 700 +- 20 21,862 ->
 * 11,928, gaps uniform over 300-1,100 20,289 -> 19,771, geometric the same; at 0.5 and 0.3 the uniform gaps' score
 * rose 6% (a restart where the one gap said none was due, the constant rate's tail mostly gone), at 0.9 the schedules
 * gained less (13,216, 13,348).
 */
export const ONE_GAP_DOUBT = 0.8;

/** A regular schedule read off a window's breaks (steps). */
export interface BreakSchedule {
  /** The gaps' mean: steps from a break to the next. */
  gap: number;
  /**
   * The next gap's standard deviation: the gaps' own, as a prediction from their mean, floored (TIMING_FLOOR; a
   * sparse read REGULAR_SPREAD).
   */
  spread: number;
  /** Steps from the last break to the window's last point: the next gap is longer than this. */
  age: number;
  /** The constant rate: breaks per step over the window (breakRate). */
  rate: number;
  /**
   * How many gaps the schedule was read from, as evidence: the gaps in the window where it holds MIN_REGULAR_GAPS of
   * them at every phase of the schedule, 1 for a sparse read (ONE_GAP_DOUBT).
   */
  gaps: number;
}

/** Breaks per step over a window of `windowLength` points: the breaks over the window's steps (its length - 1). */
export function breakRate(breaks: readonly number[], windowLength: number): number {
  return windowLength > 1 ? breaks.length / (windowLength - 1) : 0;
}

/**
 * The window's breaks as a regular schedule, or undefined: fewer than MIN_REGULAR_GAPS gaps, gaps whose standard
 * deviation is over REGULAR_SPREAD of their mean, a window too short to hold MIN_REGULAR_GAPS of them at every
 * phase, a start that waited for its first break longer than the schedule allows, or a last break longer ago than
 * it allows (overdue; both: OVERDUE_Z spreads past the mean gap).
 * The length matters because the phases a window holds fewer breaks at are those whose next break is due soonest:
 * a 2,000-point window on a schedule of 700 steps holds three breaks only while its last is at most 599 steps old,
 * so it would read the schedule at every phase where none is coming within 100 steps and at none where one is due,
 * take the restart chance out of the first and leave the second the constant rate's, and over the phases cover
 * less than either rule alone (the shape suite's counter at random phase: 60-step cover 0.943 / 0.935 with the
 * constant rate, 0.921 / 0.916 with such a schedule, seeds 3 / 4; rst26).
 * `breaks`: indices (0-based, ascending) of the first point after each break.
 * `sparse` (a counter's restarts, which are seen, not inferred as a level shift is) reads a schedule from every
 * window that holds one gap of it at every phase (at least two mean gaps long): its regular gaps as the full read
 * does, whatever the window's length, and one gap with the loosest spread the rule takes and one gap's trust
 * (ONE_GAP_DOUBT). The phases the window holds fewer gaps at, where the next is due, are then read too, at the trust
 * their one gap is worth, instead of the constant rate's chance that reached the restart about 25 steps late. The
 * shape suite's counter (700 steps in 2,000 points): mid-gap, three restarts, two gaps; where one is due, one.
 */
export function breakSchedule(
  breaks: readonly number[],
  windowLength: number,
  sparse = false,
): BreakSchedule | undefined {
  const gaps = breaks.length - 1;
  if (gaps < (sparse ? 1 : MIN_REGULAR_GAPS)) return undefined;
  const gap = (breaks[gaps]! - breaks[0]!) / gaps;
  let squares = 0;
  for (let i = 1; i <= gaps; i++) squares += (breaks[i]! - breaks[i - 1]! - gap) ** 2;
  const sd = gaps > 1 ? Math.sqrt(squares / (gaps - 1)) : 0;
  if (!(gap > 0) || sd > REGULAR_SPREAD * gap) return undefined;
  // A break due at the next step leaves the last one gap - 1 old: MIN_REGULAR_GAPS gaps before it fit only so.
  // A sparse read needs no such window: the phases where it holds fewer gaps are read from one (below).
  const full = gaps >= MIN_REGULAR_GAPS && (sparse || windowLength - 1 >= (MIN_REGULAR_GAPS + 1) * gap);
  // One gap is read where the window holds one at every phase of it (a break due at the next step included).
  if (!full && !(sparse && windowLength - 1 >= 2 * gap)) return undefined;
  // The next gap predicted from the mean of `gaps` others: their spread times sqrt(1 + 1 / gaps). One gap cannot
  // tell a cron from a loose schedule: the loosest the rule takes.
  const spread = Math.max(sd * Math.sqrt(1 + 1 / gaps), (full ? TIMING_FLOOR : REGULAR_SPREAD) * gap, 1);
  const longest = gap + OVERDUE_Z * spread;
  // The gap before the first break is at least the points before it (the break before fell at index 0 or earlier).
  if (breaks[0]! > longest) return undefined;
  const age = windowLength - 1 - breaks[gaps]!;
  if (age > longest) return undefined;
  return { gap, spread, age, rate: breakRate(breaks, windowLength), gaps: full ? gaps : 1 };
}

/** p[h-1] = 1 - (1 - rate)^h: at least one break within h steps at a constant rate. */
export function constantChance(rate: number, horizon: number): Float64Array {
  const p = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) p[h - 1] = 1 - (1 - rate) ** h;
  return p;
}

/**
 * The chance of at least one break within 1..h steps on a schedule: the renewal hazard P(G <= age + h | G > age),
 * the next gap G a whole number of steps about normal around the mean gap, mixed with the constant rate by how well
 * each explains the wait so far (SCHEDULE_DOUBT).
 */
export function scheduleChance(schedule: BreakSchedule, horizon: number): Float64Array {
  const { gap, spread, age, rate, gaps } = schedule;
  // P(G > x) for whole steps x (continuity-corrected).
  const survival = (x: number): number => normalCdf((gap - x - 0.5) / spread);
  const waited = survival(age);
  const doubt = gaps >= MIN_REGULAR_GAPS ? SCHEDULE_DOUBT ** (gaps - 1) : ONE_GAP_DOUBT;
  const weighed = (1 - doubt) * waited;
  const trust = weighed / (weighed + doubt * (1 - rate) ** age);
  const constant = constantChance(rate, horizon);
  const p = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) {
    p[h - 1] = trust * ((waited - survival(age + h)) / waited) + (1 - trust) * constant[h - 1]!;
  }
  return p;
}

/**
 * breaks: indices (0-based, ascending) in a window of windowLength points of the first point after each break.
 * Returns p[h-1] = chance of at least one break within steps 1..h after the window's last point, h = 1..horizon:
 * the schedule's (scheduleChance) where the breaks keep one (breakSchedule), else the constant rate's
 * (constantChance of breakRate).
 */
export function breakChance(breaks: readonly number[], windowLength: number, horizon: number): Float64Array {
  const schedule = breakSchedule(breaks, windowLength);
  return schedule ? scheduleChance(schedule, horizon) : constantChance(breakRate(breaks, windowLength), horizon);
}
