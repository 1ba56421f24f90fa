/**
 * Time values as operators write them, to unix seconds: the same forms Prometheus' own API
 * accepts (RFC3339 or unix seconds for instants; "5m", "1h30m" or seconds for durations).
 */
import { DURATION_EXAMPLES, formatDuration, parseDuration as parseContractDuration } from '@ntma/contract';
import { BadRequest } from '../errors.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

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

/** A positive duration in seconds, in the contract's grammar ("5m", "1h30m", "7d") or seconds. */
export function parseDuration(value: number | string, field: string): number {
  const seconds = parseContractDuration(value);
  if (seconds === undefined) {
    const numeric = typeof value === 'number' || DECIMAL.test(value.trim()) || /^0+[a-z]+$/.test(value.trim());
    throw new BadRequest(
      numeric
        ? `must be positive, got "${value}"`
        : `expected a duration such as ${DURATION_EXAMPLES} or seconds, got "${value}"`,
      field,
    );
  }
  return seconds;
}

export { formatDuration };
