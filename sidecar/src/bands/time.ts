/**
 * Time values as operators write them, to unix seconds: the same forms Prometheus' own API
 * accepts (RFC3339 or unix seconds for instants; "5m", "1h30m" or seconds for durations).
 */
import { BadRequest } from '../errors.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// Prometheus' duration syntax: units largest first, each at most once.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Unix seconds above this are in the year 5138: the caller almost surely sent milliseconds. */
const MAX_UNIX_SECONDS = 1e11;

/** An instant: RFC3339 text, or unix seconds as a number or numeric text. */
export function parseInstant(value: number | string, field: string): number {
  let seconds: number;
  if (typeof value === 'number' || DECIMAL.test(value.trim())) {
    seconds = typeof value === 'number' ? value : Number(value.trim());
  } else if (RFC3339.test(value.trim())) {
    seconds = Date.parse(value.trim().replace(' ', 'T')) / 1000;
  } else {
    throw new BadRequest(`expected RFC3339 (e.g. "2024-05-01T12:00:00Z") or unix seconds, got "${value}"`, field);
  }
  if (!Number.isFinite(seconds) || seconds < 0) throw new BadRequest(`not a valid time: "${value}"`, field);
  if (seconds > MAX_UNIX_SECONDS) {
    throw new BadRequest(`${value} looks like milliseconds; send unix seconds`, field);
  }
  return seconds;
}

/** A positive duration in seconds: Prometheus syntax ("5m", "1h30m", "7d") or seconds. */
export function parseDuration(value: number | string, field: string): number {
  let seconds: number;
  const text = typeof value === 'number' ? '' : value.trim();
  if (typeof value === 'number' || DECIMAL.test(text)) {
    seconds = typeof value === 'number' ? value : Number(text);
  } else {
    const match = text === '' ? null : DURATION.exec(text);
    if (!match) {
      throw new BadRequest(`expected a duration such as "30s", "5m", "1h30m", "7d" or seconds, got "${value}"`, field);
    }
    seconds = UNIT_SECONDS.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * unit, 0);
  }
  if (!Number.isFinite(seconds) || seconds <= 0) throw new BadRequest(`must be positive, got "${value}"`, field);
  return seconds;
}

/** "3600" -> "1h": how limits and defaults read in messages. */
export function formatDuration(seconds: number): string {
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = seconds;
  let text = '';
  for (const [unit, size] of units) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      text += `${n}${unit}`;
      rest -= n * size;
    }
  }
  if (rest > 0) text += `${Math.round(rest * 1000)}ms`;
  return text || '0s';
}
