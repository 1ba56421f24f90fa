/**
 * Remembers which alert observations were already decided, so a webhook delivered twice (an
 * Alertmanager retry after a timeout, both members of an HA pair, a captured request sent again)
 * acts once. Keys come from `replayKeyOf` (grafana-alerts.ts). Bounded: entries expire after
 * `maxAgeMs`, and past `maxEntries` the oldest are dropped. Forgetting an entry is safe: a replay
 * that old reports a sample older than NTMA_SCALE_STALE_SECONDS, so the policy holds on it anyway.
 */

/** What the first delivery of an observation got; a duplicate is answered with it. */
export interface FirstDecision {
  decision: string;
  auditId?: string;
  /** ms since epoch. */
  at: number;
}

export interface AlertReplayOptions {
  maxEntries: number;
  maxAgeMs: number;
  now?: () => number;
}

/** Claimed: being decided now; a concurrent duplicate waits for nothing and is answered at once. */
type Entry = { state: 'claimed'; at: number } | ({ state: 'decided' } & FirstDecision);

/** Not fresh: `first` is the first delivery's decision, `in_progress` while it is still being made. */
export type Claim = { fresh: true } | { fresh: false; first: FirstDecision };

export class AlertReplayGuard {
  /** Insertion-ordered, so the oldest entries are first. */
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: AlertReplayOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Claims `key` for deciding. Synchronous, so two deliveries racing in one process cannot both
   * see it fresh.
   */
  claim(key: string): Claim {
    this.prune();
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.state === 'claimed') return { fresh: false, first: { decision: 'in_progress', at: entry.at } };
      const { state: _decided, ...first } = entry;
      return { fresh: false, first };
    }
    this.entries.set(key, { state: 'claimed', at: this.now() });
    this.capSize();
    return { fresh: true };
  }

  /** Records what was decided for a claimed key. */
  settle(key: string, decision: Omit<FirstDecision, 'at'>): void {
    if (!this.entries.has(key)) return;
    // Re-inserted, so age order follows the time of the decision.
    this.entries.delete(key);
    this.entries.set(key, { state: 'decided', ...decision, at: this.now() });
  }

  /** Gives a claimed key up (the attempt failed and should be retried by the next delivery). */
  release(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.state === 'claimed') this.entries.delete(key);
  }

  private prune(): void {
    const oldest = this.now() - this.options.maxAgeMs;
    for (const [key, entry] of this.entries) {
      if (entry.at >= oldest) break;
      // Only decided entries age out; a claim is in use by a running decision.
      if (entry.state === 'decided') this.entries.delete(key);
    }
  }

  private capSize(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries) return;
      if (entry.state === 'claimed') continue;
      this.entries.delete(key);
    }
  }
}
