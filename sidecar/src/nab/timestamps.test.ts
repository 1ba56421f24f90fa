import { medianStepSeconds, parseNabTimestamp } from './timestamps.js';

describe('NAB timestamps', () => {
  it('reads data and label timestamps as UTC', () => {
    expect(parseNabTimestamp('2014-04-10 00:04:00')).toBe(Date.UTC(2014, 3, 10, 0, 4) / 1000);
    expect(parseNabTimestamp('2014-04-14 23:59:00.000000')).toBe(Date.UTC(2014, 3, 14, 23, 59) / 1000);
    expect(parseNabTimestamp('2014-04-14T23:59:00.5')).toBe(Date.UTC(2014, 3, 14, 23, 59) / 1000 + 0.5);
  });

  it('rejects text that is not a timestamp or not a date, quoting it', () => {
    expect(() => parseNabTimestamp('yesterday')).toThrow(/"yesterday"/);
    expect(() => parseNabTimestamp('2014-02-30 00:00:00')).toThrow(/calendar/);
  });

  it('takes the median positive gap as the step, ignoring repeats and long outages', () => {
    expect(medianStepSeconds([0, 300, 600, 600, 900, 90_000, 90_300])).toBe(300);
    expect(medianStepSeconds([0, 60, 660])).toBe(330);
    expect(() => medianStepSeconds([5])).toThrow(/two increasing/);
  });
});
