/**
 * Recent anomalies (excursions) across all watchers, newest first, in a bounded ring so a noisy
 * fleet cannot grow the sidecar's memory. An open excursion is updated in place until it closes.
 */
import type { ExcursionKind } from '../detect/types.js';
import type { Labels } from '../prometheus/parse.js';

export interface AnomalyRecord {
  /** Increasing per process; stable while the record is in the ring. */
  id: number;
  watcher: string;
  /** The series' own labels (without `watcher`). */
  labels: Labels;
  /** The scale target the watcher links the series to, if any. */
  target: string | null;
  kind: ExcursionKind;
  /** 1 above the band, -1 below. */
  direction: 1 | -1;
  /** Highest score seen during the excursion. */
  score: number;
  /** Unix seconds of the first and last point of the excursion; end is null while open. */
  start: number;
  end: number | null;
  /** The point furthest outside the band, with the band at that point. */
  peak: { t: number; value: number; forecast: number | null; lower: number | null; upper: number | null };
  /** Why the kind was chosen (attack evidence), empty for organic kinds. */
  reasons: string[];
}

export interface AnomalyQuery {
  watcher?: string;
  /** Only excursions still open (true) or closed (false). */
  open?: boolean;
  /** Only excursions active at or after this time (unix seconds). */
  since?: number;
  limit?: number;
}

export class AnomalyLog {
  private readonly ring: AnomalyRecord[] = [];
  private nextId = 1;

  constructor(readonly capacity: number = 1000) {}

  /** Starts a record and returns it; the caller mutates it as the excursion evolves. */
  open(record: Omit<AnomalyRecord, 'id' | 'end'>): AnomalyRecord {
    const full: AnomalyRecord = { ...record, id: this.nextId++, end: null };
    this.ring.push(full);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    return full;
  }

  get size(): number {
    return this.ring.length;
  }

  list(query: AnomalyQuery = {}): AnomalyRecord[] {
    const limit = query.limit ?? 100;
    const out: AnomalyRecord[] = [];
    for (let i = this.ring.length - 1; i >= 0 && out.length < limit; i--) {
      const record = this.ring[i]!;
      if (query.watcher !== undefined && record.watcher !== query.watcher) continue;
      if (query.open !== undefined && (record.end === null) !== query.open) continue;
      if (query.since !== undefined && record.end !== null && record.end < query.since) continue;
      out.push(record);
    }
    return out;
  }
}
