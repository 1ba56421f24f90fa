/**
 * Learning what one replica serves from history, when no label says it (`ntma.scale.capacity=learn`):
 * at each past step, the signal (e.g. requests/s) divided by the replicas running then, kept only
 * while a latency or CPU figure says the service was healthy. The service served that much per
 * replica without trouble, so it is a capacity one replica has; a high quantile of it (not the
 * maximum, which one odd scrape sets) is the estimate. It errs low when the service was never
 * pushed near its limit: more replicas than needed, never fewer. Pure, so every refusal is a table test.
 *
 * It refuses (and the policy holds) rather than guess when the history is too thin: fewer than
 * MIN_HEALTHY_SAMPLES healthy steps with traffic, or fewer than MIN_HEALTHY_SHARE of the observed steps
 * healthy (a service that was mostly unhealthy says little about what is healthy).
 */

export const MIN_HEALTHY_SAMPLES = 30;
export const MIN_HEALTHY_SHARE = 0.2;
/** The share of healthy per-replica loads at or below the estimate. */
export const LEARN_QUANTILE = 0.95;

export interface HistoryStep {
  /** Unix seconds. */
  t: number;
  signal: number | null;
  replicas: number | null;
  health: number | null;
}

export type Learned =
  | {
      ok: true;
      perReplica: number;
      /** Steps with signal, replicas and health all present. */
      observed: number;
      /** Of those, the healthy ones with traffic the estimate is taken from. */
      healthy: number;
      /** Highest health figure among the healthy steps. */
      healthiestAt: number;
    }
  | { ok: false; reason: string; observed: number; healthy: number };

export function learnCapacity(steps: readonly HistoryStep[], healthyBelow: number): Learned {
  const perReplica: number[] = [];
  let observed = 0;
  let worstHealthy = Number.NEGATIVE_INFINITY;
  for (const step of steps) {
    const { signal, replicas, health } = step;
    if (signal === null || replicas === null || health === null) continue;
    if (![signal, replicas, health].every(Number.isFinite)) continue;
    observed += 1;
    // No replica running, or no traffic: says nothing about what one replica serves.
    if (replicas < 1 || signal <= 0 || health >= healthyBelow) continue;
    perReplica.push(signal / replicas);
    worstHealthy = Math.max(worstHealthy, health);
  }
  const healthy = perReplica.length;
  if (healthy < MIN_HEALTHY_SAMPLES) {
    return {
      ok: false,
      reason: `only ${healthy} healthy steps with traffic in the history (${observed} observed), ${MIN_HEALTHY_SAMPLES} needed`,
      observed,
      healthy,
    };
  }
  if (healthy < MIN_HEALTHY_SHARE * observed) {
    return {
      ok: false,
      reason: `healthy in only ${healthy} of ${observed} observed steps: too little healthy history to learn from`,
      observed,
      healthy,
    };
  }
  perReplica.sort((a, b) => a - b);
  const at = Math.min(healthy - 1, Math.floor(LEARN_QUANTILE * (healthy - 1)));
  return { ok: true, perReplica: perReplica[at]!, observed, healthy, healthiestAt: worstHealthy };
}

/** Joins three range answers on their common grid: one step per grid point, sums/max across series. */
export function joinHistory(
  startSeconds: number,
  stepSeconds: number,
  count: number,
  series: {
    signal: ReadonlyArray<ReadonlyArray<number | null>>;
    replicas: ReadonlyArray<ReadonlyArray<number | null>>;
    health: ReadonlyArray<ReadonlyArray<number | null>>;
  },
): HistoryStep[] {
  const combine = (all: ReadonlyArray<ReadonlyArray<number | null>>, k: number, how: 'sum' | 'max'): number | null => {
    if (all.length === 0) return null;
    let out: number | null = null;
    for (const values of all) {
      const v = values[k] ?? null;
      // A series without a value at this step: the sum is unknown (not a smaller number); the max skips it.
      if (v === null) {
        if (how === 'sum') return null;
        continue;
      }
      out = out === null ? v : how === 'sum' ? out + v : Math.max(out, v);
    }
    return out;
  };
  const steps: HistoryStep[] = [];
  for (let k = 0; k < count; k++) {
    steps.push({
      t: startSeconds + k * stepSeconds,
      signal: combine(series.signal, k, 'sum'),
      replicas: combine(series.replicas, k, 'sum'),
      health: combine(series.health, k, 'max'),
    });
  }
  return steps;
}
