import { BadRequest } from '../errors.js';
import { formatDuration, parseDuration, parseInstant } from './time.js';

describe('parseInstant', () => {
  it('reads unix seconds given as numbers or text', () => {
    expect(parseInstant(1700000000, 'start')).toBe(1700000000);
    expect(parseInstant('1700000000.5', 'start')).toBe(1700000000.5);
  });

  it('reads RFC3339 with a zone or an offset', () => {
    expect(parseInstant('2023-11-14T22:13:20Z', 'start')).toBe(1700000000);
    expect(parseInstant('2023-11-15T00:13:20.250+02:00', 'end')).toBe(1700000000.25);
  });

  it('names the field when the text is neither', () => {
    expect(() => parseInstant('yesterday', 'end')).toThrow(BadRequest);
    expect(() => parseInstant('yesterday', 'end')).toThrow(/^end: expected RFC3339/);
    expect(() => parseInstant('2023-11-14T22:13:20', 'start')).toThrow(/^start:/);
  });

  it('refuses milliseconds and negative times', () => {
    expect(() => parseInstant(1700000000000, 'start')).toThrow(/^start: .*milliseconds/);
    expect(() => parseInstant(-5, 'start')).toThrow(/^start: not a valid time/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['5m', 300],
    ['1h30m', 5400],
    ['7d', 604800],
    ['2w', 1209600],
    ['1y', 31536000],
    ['250ms', 0.25],
    ['90', 90],
    ['0.5', 0.5],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text, 'step')).toBe(seconds);
  });

  it('reads plain numbers as seconds', () => {
    expect(parseDuration(60, 'step')).toBe(60);
  });

  it('names the field for malformed, out-of-order, zero and negative durations', () => {
    for (const bad of ['5 minutes', 'm5', '30m1h', '', '0s', '-5', 0]) {
      expect(() => parseDuration(bad, 'train')).toThrow(/^train: /);
    }
  });
});

describe('formatDuration', () => {
  it('prints the largest units first', () => {
    expect(formatDuration(604800)).toBe('7d');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(0.25)).toBe('250ms');
  });
});
