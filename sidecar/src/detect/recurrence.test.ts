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

  it('reads a point exactly as surprising as one a period ago as a recurrence, though it keeps single precision', () => {
    const r = new Recurrence(DAY, SLICE);
    const decades = 2.345678912345;
    r.record(T0, decades);
    expect(r.periodAgo(T0 + DAY)).toBeGreaterThanOrEqual(decades);
    expect(r.periodAgo(T0 + DAY)).toBeCloseTo(decades, 6);
  });

  it('rejects a period shorter than two slices', () => {
    expect(() => new Recurrence(SLICE, SLICE)).toThrow(RangeError);
  });
});
