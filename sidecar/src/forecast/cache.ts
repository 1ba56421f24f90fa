/**
 * Fitted models by (query, label set, training window), least recently used first out. Values
 * are model snapshots (plain data), so a hit costs the O(N) band only, on any thread. Concurrent
 * misses for one key share a single fit.
 */
import type { ModelChoice } from './types.js';

export interface ModelKeyParts {
  /** The PromQL expression, or any name for client-sent points (e.g. "series"). */
  query: string;
  labels: Readonly<Record<string, string>>;
  /** Training window, unix seconds, inclusive, and its step. */
  trainStart: number;
  trainEnd: number;
  stepSeconds: number;
  model: ModelChoice;
}

/**
 * A stable key: label order does not matter. Confidence is not part of it because a snapshot
 * keeps its held-out errors and is re-calibrated for any confidence on use.
 */
export function modelKey(parts: ModelKeyParts): string {
  const labels = Object.entries(parts.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const model = parts.model === 'auto' ? 'auto' : `${parts.model.p},${parts.model.d},${parts.model.q}`;
  return JSON.stringify([parts.query, labels, parts.trainStart, parts.trainEnd, parts.stepSeconds, model]);
}

export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly inflight = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError('cache needs room for at least one entry');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map iteration order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * The cached value, or the result of `load` stored under the key. Callers that miss while a
   * load for the same key is running wait for that load instead of starting their own. A failed
   * load is not cached.
   */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<{ value: V; cached: boolean }> {
    const hit = this.get(key);
    if (hit !== undefined) return { value: hit, cached: true };
    const running = this.inflight.get(key);
    if (running) return { value: await running, cached: true };
    const promise = load();
    this.inflight.set(key, promise);
    try {
      const value = await promise;
      this.set(key, value);
      return { value, cached: false };
    } finally {
      this.inflight.delete(key);
    }
  }
}
