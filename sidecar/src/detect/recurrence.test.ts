import { Recurrence } from './recurrence.js';

const DAY = 86_400;
const SLICE = 1800;
const T0 = 1_700_000_000;

describe('Recurrence', () => {
  it('knows nothing of a period it has not seen', () => {
    const r = new Recurrence(DAY, SLICE);
    r.record(T0, 6);
    expect(r.periodAgo(T0)).toBe(0);
    expect(r.periodAgo(T0 + 3600)).toBe(0);
  });

  it('returns the largest surprise of the same slice a period ago, or of a slice either side', () => {
    const r = new Recurrence(DAY, SLICE);
    r.record(T0, 3);
    r.record(T0 + 60, 6);
    expect(r.periodAgo(T0 + DAY)).toBe(6);
    // A job that runs half an hour later or earlier than yesterday is the same job.
    expect(r.periodAgo(T0 + DAY + SLICE)).toBe(6);
    expect(r.periodAgo(T0 + DAY - SLICE)).toBe(6);
    // Two slices away, or two periods later, it is not.
    expect(r.periodAgo(T0 + DAY + 3 * SLICE)).toBe(0);
    expect(r.periodAgo(T0 + 2 * DAY)).toBe(0);
  });

  it('keeps a period ago apart from today: recording today does not erase what it is compared with', () => {
    const r = new Recurrence(DAY, SLICE);
    r.record(T0, 5);
    r.record(T0 + DAY, 1);
    expect(r.periodAgo(T0 + DAY + 10)).toBe(5);
    expect(r.periodAgo(T0 + 2 * DAY)).toBe(1);
  });

  it('names slices by lap and slot, so slice numbers past 2^31 (short slices, late times) still match', () => {
    const r = new Recurrence(10, 0.5);
    const t = 1_800_000_000; // slice 3.6e9
    r.record(t, 4);
    expect(r.periodAgo(t + 10)).toBe(4);
    expect(r.periodAgo(t + 20)).toBe(0);
    // The same slot one lap later is another slice.
    expect(r.periodAgo(t + 30)).toBe(0);
  });

  it('keeps a slot apart from the same slot many laps earlier, and from before 1970', () => {
    const r = new Recurrence(10, 0.5);
    const t = 1_700_000_000;
    r.record(t, 4);
    expect(r.periodAgo(t + 10)).toBe(4);
    // A lap is 20 s here; 1,000 and 70,000 laps later (past 65,535, where a 16-bit lap number repeats) the slot is stale.
    expect(r.periodAgo(t + 10 + 20 * 1000)).toBe(0);
    expect(r.periodAgo(t + 10 + 20 * 70_000)).toBe(0);
    const early = new Recurrence(DAY, SLICE, 3);
    early.record(-5 * DAY, 3);
    expect(early.periodAgo(-4 * DAY)).toBe(3);
    expect(early.periodAgo(-DAY)).toBe(0);
  });

  it('reads a point exactly as surprising as one a period ago as a recurrence, though it keeps single precision', () => {
    const r = new Recurrence(DAY, SLICE);
    const decades = 2.345678912345;
    r.record(T0, decades);
    expect(r.periodAgo(T0 + DAY)).toBeGreaterThanOrEqual(decades);
    expect(r.periodAgo(T0 + DAY)).toBeCloseTo(decades, 6);
  });

  it('looks back over several periods when asked: a job that skips a day is still the same job', () => {
    const r = new Recurrence(DAY, SLICE, 3);
    r.record(T0, 4);
    expect(r.periodAgo(T0 + DAY)).toBe(4);
    expect(r.periodAgo(T0 + 2 * DAY + SLICE)).toBe(4);
    expect(r.periodAgo(T0 + 3 * DAY - SLICE)).toBe(4);
    // Four periods back is beyond its memory, and so is a time of day two slices away.
    expect(r.periodAgo(T0 + 4 * DAY)).toBe(0);
    expect(r.periodAgo(T0 + 2 * DAY + 2 * SLICE)).toBe(0);
  });

  it('takes the largest of the periods it looks back over, and keeps them apart from today', () => {
    const r = new Recurrence(DAY, SLICE, 3);
    r.record(T0, 2);
    r.record(T0 + DAY, 5);
    r.record(T0 + 2 * DAY, 1);
    // Recording today (three periods after the first) must not overwrite what it is compared with.
    r.record(T0 + 3 * DAY, 0.5);
    expect(r.periodAgo(T0 + 3 * DAY)).toBe(5);
    expect(r.periodAgo(T0 + 4 * DAY)).toBe(5);
    expect(r.periodAgo(T0 + 5 * DAY)).toBe(1);
  });

  it('counts the periods that reached a surprise in the slice, over as many periods as asked and it keeps', () => {
    const r = new Recurrence(DAY, SLICE, 3);
    r.record(T0 - 3 * DAY, 4);
    r.record(T0 - 2 * DAY + SLICE, 3.5);
    r.record(T0 - DAY, 2);
    expect(r.periodsReaching(T0, 3)).toBe(2);
    expect(r.periodsReaching(T0, 2)).toBe(3);
    expect(r.periodsReaching(T0, 5)).toBe(0);
    // Asked over fewer periods, only those count; asked over more than it keeps, only what it keeps.
    expect(r.periodsReaching(T0, 2, 1)).toBe(1);
    expect(r.periodsReaching(T0, 2, 10)).toBe(3);
    expect(r.periodAgo(T0, 1)).toBe(2);
    expect(r.periodAgo(T0, 2)).toBe(3.5);
    expect(r.periodAgo(T0)).toBe(4);
    // A slice two away on each day is another time of day.
    expect(r.periodsReaching(T0 + 2 * SLICE, 2)).toBe(1);
  });

  it('rejects a period shorter than two slices, and a look-back that is not a whole number of periods >= 1', () => {
    expect(() => new Recurrence(SLICE, SLICE)).toThrow(RangeError);
    expect(() => new Recurrence(DAY, SLICE, 0)).toThrow(RangeError);
    expect(() => new Recurrence(DAY, SLICE, 1.5)).toThrow(RangeError);
  });
});
