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

  it('rejects a period shorter than two slices', () => {
    expect(() => new Recurrence(SLICE, SLICE)).toThrow(RangeError);
  });
});
