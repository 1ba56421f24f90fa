/**
 * Recent anomalies (excursions) across all watchers, newest first, in a bounded ring so a noisy
 * fleet cannot grow the sidecar's memory. An open excursion is updated in place until it closes.
 */
import type { AnomaliesQuery, AnomalyRecord } from '@ntma/contract';

export type { AnomalyRecord };
export type AnomalyQuery = AnomaliesQuery;

export class AnomalyLog {
  private readonly ring: AnomalyRecord[] = [];
  private nextId = 1;

  constructor(readonly capacity: number = 1000) {}

  /** Starts a record and returns it; the caller mutates it as the excursion evolves. */
  open(record: Omit<AnomalyRecord, 'id' | 'end'>): AnomalyRecord {
    // Written out rather than spread: a spread gave every record a hidden class of its own (300 bytes each).
    const full: AnomalyRecord = {
      id: this.nextId++,
      watcher: record.watcher,
      labels: record.labels,
      target: record.target,
      kind: record.kind,
      direction: record.direction,
      score: record.score,
      start: record.start,
      end: null,
      peak: record.peak,
      reasons: record.reasons,
    };
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
