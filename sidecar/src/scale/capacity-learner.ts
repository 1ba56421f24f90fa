/**
 * Learned capacities, read from Prometheus and kept for a while: a target with
 * `ntma.scale.capacity=learn` gets its capacity per replica from the history of its signal, replicas
 * and health (capacity-learning.ts). Learning is a few range queries over a day or more, so a result
 * (or a refusal) is kept REFRESH_MS and re-learned after that; a Prometheus that does not answer
 * leaves the target without a capacity (the policy holds), never with a guessed one.
 */
import type { PrometheusReader } from '../prometheus/client.js';
import type { LearnSpec } from './capacity.js';
import { joinHistory, learnCapacity, type Learned } from './capacity-learning.js';

/** How long a learned capacity (or a refusal) is kept before it is learned again. */
export const REFRESH_MS = 10 * 60_000;
/** At most this many steps per query: a day at one minute. */
const MAX_STEPS = 1440;
const MAX_SERIES = 50;

export interface LearnedCapacity {
  perReplica: number | null;
  /** For the explanation: what it was learned from, or why it was not. */
  origin: string;
}

export class CapacityLearner {
  private readonly cache = new Map<string, { at: number; value: LearnedCapacity }>();

  constructor(
    private readonly prometheus: PrometheusReader,
    private readonly now: () => number = Date.now,
  ) {}

  /** The target's learned capacity, from the cache while it is fresh. */
  async capacity(target: string, spec: LearnSpec): Promise<LearnedCapacity> {
    const key = `${target}\u0000${JSON.stringify(spec)}`;
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && now - cached.at < REFRESH_MS) return cached.value;
    const value = await this.learn(spec, now);
    this.cache.set(key, { at: now, value });
    return value;
  }

  private async learn(spec: LearnSpec, now: number): Promise<LearnedCapacity> {
    const step = Math.max(60, Math.ceil(spec.windowSeconds / MAX_STEPS));
    const end = Math.floor(now / 1000 / step) * step;
    const start = end - spec.windowSeconds;
    const range = (query: string) => this.prometheus.queryRange({ query, start, end, step }, { maxSeries: MAX_SERIES });
    const window = `${formatWindow(spec.windowSeconds)} to ${new Date(end * 1000).toISOString()} at ${step}s`;
    let learned: Learned;
    try {
      const [signal, replicas, health] = await Promise.all([
        range(spec.signal),
        range(spec.replicas),
        range(spec.health),
      ]);
      const grid = signal.grid;
      learned = learnCapacity(
        joinHistory(grid.startMs / 1000, grid.stepMs / 1000, grid.count, {
          signal: signal.series.map((s) => s.values),
          replicas: replicas.series.map((s) => s.values),
          health: health.series.map((s) => s.values),
        }),
        spec.healthyBelow,
      );
    } catch (error) {
      return { perReplica: null, origin: `not learned: Prometheus did not answer (${(error as Error).message})` };
    }
    if (!learned.ok) return { perReplica: null, origin: `not learned from the last ${window}: ${learned.reason}` };
    return {
      perReplica: learned.perReplica,
      origin:
        `learned from the last ${window}: 95th percentile of signal per running replica over ${learned.healthy} ` +
        `healthy steps of ${learned.observed} (health below ${spec.healthyBelow}, at most ${round(learned.healthiestAt)} seen)`,
    };
  }
}

function formatWindow(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds}s`;
}

function round(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
