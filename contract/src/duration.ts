/**
 * The one duration grammar: Prometheus' ("30s", "5m", "1h30m", "7d", "1y"), units largest first and
 * each at most once, and optionally a bare number of seconds. The sidecar's API, its watchers file
 * and the panel's options all read durations with it.
 */

// Prometheus' duration syntax: units largest first, each at most once.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface DurationOptions {
  /**
   * Accept a bare number as seconds (the HTTP API, like Prometheus' own). A watchers file refuses
   * it: "15" could mean seconds or minutes, and a wrong guess silently changes the model.
   */
  bareSeconds?: boolean;
}

/** Seconds of a positive duration, or undefined when `value` is not one. */
export function parseDuration(value: string | number, options: DurationOptions = {}): number | undefined {
  const bare = options.bareSeconds ?? true;
  let seconds: number;
  if (typeof value === 'number') {
    if (!bare) return undefined;
    seconds = value;
  } else {
    const text = value.trim();
    if (DECIMAL.test(text)) {
      if (!bare) return undefined;
      seconds = Number(text);
    } else {
      const match = text === '' ? null : DURATION.exec(text);
      if (!match) return undefined;
      seconds = UNIT_SECONDS.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * unit, 0);
    }
  }
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** How a duration is described in messages, so every side says it the same way. */
export const DURATION_EXAMPLES = '"30s", "5m", "1h30m", "7d"';

/** 5400 -> "1h30m": the shortest Prometheus spelling (days, not weeks, read best for windows). */
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
  if (rest > 1e-9) text += `${Math.round(rest * 1000)}ms`;
  return text || '0s';
}
