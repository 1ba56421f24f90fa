/**
 * Durations in a watchers file, read with the contract's one grammar (Prometheus' own, so a
 * watchers file reads like the PromQL beside it). A bare number is refused because "15" could mean
 * seconds or minutes and a wrong guess silently changes the model.
 */
import { formatDuration as formatSeconds, parseDuration } from '@ntma/contract';

/** Whole milliseconds of a duration string, or undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const seconds = parseDuration(text, { bareSeconds: false });
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/** "90s" -> "1m30s": the shortest Prometheus spelling, for logs and the watchers API. */
export function formatDuration(ms: number): string {
  return formatSeconds(ms / 1000);
}
