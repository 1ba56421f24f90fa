/**
 * Recent history of the classifier's companion signals (packets, SYN cookies, distinct sources,
 * ...) and the join from a watched series to the signal series that describes it.
 *
 * Join rule: a signal series belongs to a watched series when every label the signal series has is
 * on the watched series with the same value; the most specific match wins. So a per-instance
 * netstat rate joins every interface of that instance, a per-interface packet rate joins only
 * its own interface, and an unlabelled total joins everything.
 */
import type { Labels } from '@ntma/contract';
import type { SignalReading, SignalReadings } from './classify.js';
import type { SignalRole } from './config.js';

/** Points of history kept per signal series; the baseline is their median. */
export const BASELINE_POINTS = 30;
/**
 * The newest points left out of a baseline: an excursion is often flagged a point or two after it
 * began, and those points already carry it.
 */
export const BASELINE_SKIP = 2;

/**
 * A fixed-size ring of recent values (NaN = no sample at that step). An array V8 keeps as unboxed
 * doubles (only numbers are ever stored in it), not an array of boxed numbers and nulls: every
 * watched series holds one, so at 100,000 series the difference is tens of megabytes. Nor a
 * Float64Array: its 240 bytes would come with a view (96 bytes), an ArrayBuffer (88) and a
 * backing store malloc'd with V8's bookkeeping for it, about 0.4 KB a series more (issue 18, mem26).
 */
export class RecentValues {
  private readonly values: number[];
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number = BASELINE_POINTS) {
    // Filled with a number at once: the elements are doubles from the start, exactly `capacity` of them.
    this.values = new Array<number>(capacity).fill(Number.NaN);
  }

  push(value: number | null): void {
    this.values[this.next] = value ?? Number.NaN;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + 1);
  }

  /** The newest value, or null when the last step had none. */
  latest(): number | null {
    if (this.filled === 0) return null;
    const value = this.values[(this.next - 1 + this.capacity) % this.capacity]!;
    return Number.isNaN(value) ? null : value;
  }

  /** Every value kept, newest first (null where a step had none). */
  newestFirst(): Array<number | null> {
    const values: Array<number | null> = [];
    for (let age = 0; age < this.filled; age++) {
      const value = this.values[(this.next - 1 - age + 2 * this.capacity) % this.capacity]!;
      values.push(Number.isNaN(value) ? null : value);
    }
    return values;
  }

  /** Median of the present values, leaving out the newest `skip`; null with fewer than 3. */
  baseline(skip: number = BASELINE_SKIP): number | null {
    const present: number[] = [];
    for (let age = skip; age < this.filled; age++) {
      const value = this.values[(this.next - 1 - age + 2 * this.capacity) % this.capacity]!;
      if (!Number.isNaN(value)) present.push(value);
    }
    if (present.length < 3) return null;
    present.sort((a, b) => a - b);
    const mid = present.length >> 1;
    return present.length % 2 === 1 ? present[mid]! : (present[mid - 1]! + present[mid]!) / 2;
  }
}

interface SignalSeries {
  labels: Labels;
  recent: RecentValues;
  /** The step at which it was last present; series gone for a whole window are forgotten. */
  lastSeen: number;
}

function projectKey(labels: Labels, names: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const name of names) {
    const value = labels[name];
    if (value === undefined) return undefined;
    parts.push(value);
  }
  return JSON.stringify(parts);
}

function ownLabels(labels: Labels): Labels {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

/** Default cap on the series one signal table follows (the watcher passes its max_series). */
export const DEFAULT_MAX_SIGNAL_SERIES = 10_000;

/**
 * All series of one signal role, indexed by the label names they carry for a fast join. At most
 * `maxSeries` series are followed: a signal query that suddenly returns a series per source
 * address (a flood from many sources, say) must not grow the table without bound. Series already
 * followed keep their place; new ones past the cap are refused, and `record` says how many.
 */
export class SignalTable {
  private readonly byKey = new Map<string, SignalSeries>();

  constructor(readonly maxSeries: number = DEFAULT_MAX_SIGNAL_SERIES) {}

  /** Label-name sets present, most specific first, each with its projection index. */
  private groups: Array<{ names: string[]; index: Map<string, SignalSeries> }> = [];
  private step = 0;

  /**
   * Records one step's samples; every known series not in `samples` gets a gap. Returns how many
   * new series were refused because the table is at `maxSeries`.
   */
  record(samples: ReadonlyArray<{ labels: Labels; value: number | null }>): number {
    this.step++;
    const seen = new Set<string>();
    let refused = 0;
    for (const sample of samples) {
      const labels = ownLabels(sample.labels);
      const names = Object.keys(labels).sort();
      const key = JSON.stringify(names.map((n) => [n, labels[n]]));
      let series = this.byKey.get(key);
      if (!series) {
        if (this.byKey.size >= this.maxSeries) {
          refused += 1;
          continue;
        }
        series = { labels, recent: new RecentValues(), lastSeen: this.step };
        this.byKey.set(key, series);
      }
      seen.add(key);
      series.recent.push(sample.value);
      if (sample.value !== null) series.lastSeen = this.step;
    }
    for (const [key, series] of this.byKey) {
      if (seen.has(key)) continue;
      series.recent.push(null);
      if (this.step - series.lastSeen > BASELINE_POINTS) this.byKey.delete(key);
    }
    this.reindex();
    return refused;
  }

  /** Loads history (oldest first, aligned steps) before the first live step; returns the series refused. */
  backfill(series: ReadonlyArray<{ labels: Labels; values: ReadonlyArray<number | null> }>): number {
    // A loop, not Math.max(...spread): a wide answer would overflow the call stack.
    const length = series.reduce((longest, s) => Math.max(longest, s.values.length), 0);
    let refused = 0;
    for (let k = 0; k < length; k++) {
      refused = Math.max(refused, this.record(series.map((s) => ({ labels: s.labels, value: s.values[k] ?? null }))));
    }
    return refused;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The signal series joined to a watched series' labels, or undefined. */
  match(watched: Labels): RecentValues | undefined {
    for (const group of this.groups) {
      const key = projectKey(watched, group.names);
      if (key === undefined) continue;
      const hit = group.index.get(key);
      if (hit) return hit.recent;
    }
    return undefined;
  }

  private reindex(): void {
    const groups = new Map<string, { names: string[]; index: Map<string, SignalSeries> }>();
    for (const series of this.byKey.values()) {
      const names = Object.keys(series.labels).sort();
      const id = names.join('\u0000');
      let group = groups.get(id);
      if (!group) {
        group = { names, index: new Map() };
        groups.set(id, group);
      }
      const key = projectKey(series.labels, names);
      if (key !== undefined) group.index.set(key, series);
    }
    this.groups = [...groups.values()].sort((a, b) => b.names.length - a.names.length);
  }
}

/** The classifier's inputs for one watched series: each joined signal's latest value against its baseline. */
export function readingsFor(
  watched: Labels,
  tables: ReadonlyMap<SignalRole, SignalTable>,
  own?: { role: SignalRole; recent: RecentValues },
  frozen?: Partial<Record<SignalRole, number>>,
): SignalReadings {
  const readings: SignalReadings = {};
  const add = (role: SignalRole, recent: RecentValues | undefined): void => {
    if (!recent) return;
    const current = recent.latest();
    const baseline = frozen?.[role] ?? recent.baseline();
    if (current === null || baseline === null) return;
    readings[role] = { current, baseline } satisfies SignalReading;
  };
  for (const [role, table] of tables) add(role, table.match(watched));
  if (own) add(own.role, own.recent);
  return readings;
}
