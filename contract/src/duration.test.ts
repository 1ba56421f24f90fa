import { formatDuration, parseDuration } from './duration.js';

describe('the duration grammar', () => {
  it("reads Prometheus' units, largest first", () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('7d')).toBe(7 * 86400);
    expect(parseDuration('1w')).toBe(7 * 86400);
    expect(parseDuration('1y')).toBe(365 * 86400);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration(' 6h ')).toBe(21600);
  });

  it('refuses units out of order, repeated, unknown or zero', () => {
    for (const text of ['30m1h', '1h1h', '5x', '', 'h', '0s', '-5m', '1.5h'])
      expect(parseDuration(text)).toBeUndefined();
  });

  it('takes bare seconds unless told not to', () => {
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('3600', { bareSeconds: false })).toBeUndefined();
    expect(parseDuration(90, { bareSeconds: false })).toBeUndefined();
    expect(parseDuration(0)).toBeUndefined();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('writes the shortest spelling, which it reads back', () => {
    for (const seconds of [1, 90, 5400, 86400 + 60, 7 * 86400, 0.5]) {
      expect(parseDuration(formatDuration(seconds))).toBeCloseTo(seconds, 9);
    }
    expect(formatDuration(5400)).toBe('1h30m');
  });
});
