import type { Labels } from '@ntma/contract';

/** `{device="eth0", instance="a:9100"}` without the metric name, for tables. */
export function formatLabels(labels: Labels): string {
  const inner = Object.entries(labels)
    .filter(([name]) => name !== '__name__')
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ');
  return `${labels.__name__ ?? ''}{${inner}}`;
}

/** "3 min ago" style relative time for an ISO string or unix seconds; the exact time goes in a title. */
export function ago(when: string | number | undefined, now = Date.now()): string {
  if (when === undefined) {
    return '—';
  }
  const ms = typeof when === 'number' ? when * 1000 : Date.parse(when);
  if (!Number.isFinite(ms)) {
    return '—';
  }
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  return `${Math.round(seconds / 86400)} d ago`;
}

export function isoTime(when: string | number | undefined): string | undefined {
  if (when === undefined) {
    return undefined;
  }
  const ms = typeof when === 'number' ? when * 1000 : Date.parse(when);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
