/**
 * The read side the autoscaler uses: a target's demand as the watchers see it right now (the
 * latest value, the forecast ahead, the open excursion's kind). Read at the moment of deciding,
 * never cached, so a decision never rests on what an alert said a minute ago.
 *
 * Which series: those whose labels carry every `match` value when the target names a matcher
 * (`ntma.scale.series`), else those whose `ntma_target` (the watcher's `target` template) is the
 * target, in the named watcher (`ntma.scale.watcher`) or any. Several series (e.g. one per
 * instance) are summed: a target's demand is all of its traffic.
 */
import type { Watcher } from './watcher.js';

export interface DemandQuery {
  target: string;
  watcher?: string;
  match?: Record<string, string>;
}

export interface LiveDemand {
  /** `watcher{labels}` of the series read, for explanations. */
  source: string;
  stepSeconds: number;
  /** When the latest sample was taken (ms); null when a series had none at its last step. */
  observedAt: number | null;
  /** Sum of the latest values; null when any series had none. */
  actual: number | null;
  /** Sum of what the models predicted, one step ahead, for those latest values; null when any had none. */
  predicted: number | null;
  /**
   * Sum of the band's upper bounds at those latest values (what each series' detector allowed for
   * it); null when any had none. The scaler reads a flood's end from it.
   */
  upper: number | null;
  /** Summed forecast of the next steps; empty when any series has no model yet. */
  forecast: { mean: number[]; upper: number[] };
  /**
   * The summed values of the last steps the watcher keeps (up to BASELINE_POINTS), newest first; null
   * at a step where any series had none. Absent when the reader keeps none.
   */
  recent?: Array<number | null>;
  /** The open excursion's kind on any of the series; attack_suspected wins. */
  kind: string | null;
  attack: boolean;
}

function describeSeries(watcher: string, labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(',');
  return `${watcher}{${inner}}`;
}

/** The target's demand, forecast `horizonSeconds` ahead, or null when no watched series carries it. */
export function readDemand(
  watchers: readonly Watcher[],
  query: DemandQuery,
  horizonSeconds: number,
): LiveDemand | null {
  for (const watcher of watchers) {
    if (query.watcher !== undefined && watcher.name !== query.watcher) continue;
    const chosen = [...watcher.series.values()].filter((state) =>
      query.match
        ? Object.entries(query.match).every(([name, value]) => state.labels[name] === value)
        : state.target === query.target,
    );
    if (chosen.length === 0) continue;
    const stepSeconds = watcher.spec.stepSeconds;
    const steps = Math.max(1, Math.ceil(horizonSeconds / stepSeconds));
    let actual: number | null = 0;
    let predicted: number | null = 0;
    let latestUpper: number | null = 0;
    let observedAt: number | null = Number.POSITIVE_INFINITY;
    let mean: number[] | null = new Array<number>(steps).fill(0);
    let upper: number[] = new Array<number>(steps).fill(0);
    let kind: string | null = null;
    let recent: Array<number | null> | null = null;
    for (const state of chosen) {
      const values = state.recent.newestFirst();
      // A series that joined later has fewer steps: the sum is known only where every series has one.
      recent =
        recent === null
          ? values
          : recent
              .slice(0, values.length)
              .map((v, age) => (v === null || values[age] === null ? null : v + values[age]!));
      const verdict = state.verdict;
      if (!state.present || verdict === null || verdict.value === null) {
        actual = null;
        predicted = null;
        latestUpper = null;
        observedAt = null;
      } else {
        if (actual !== null) actual += verdict.value;
        if (observedAt !== null) observedAt = Math.min(observedAt, verdict.t * 1000);
        predicted = predicted === null || verdict.forecast === null ? null : predicted + verdict.forecast;
        latestUpper = latestUpper === null || verdict.upper === null ? null : latestUpper + verdict.upper;
      }
      const outlook = state.detector.outlook?.(steps) ?? null;
      if (outlook === null || mean === null) mean = null;
      else {
        mean = mean.map((v, k) => v + outlook.mean[k]!);
        upper = upper.map((v, k) => v + outlook.upper[k]!);
      }
      const own = watcher.kindOf(state);
      if (own !== null && (kind === null || own === 'attack_suspected')) kind = own;
    }
    return {
      source:
        chosen.length === 1
          ? describeSeries(watcher.name, chosen[0]!.labels)
          : `sum of ${chosen.length} series of ${watcher.name}`,
      stepSeconds,
      observedAt,
      actual,
      predicted,
      upper: latestUpper,
      forecast: mean === null ? { mean: [], upper: [] } : { mean, upper },
      recent: recent ?? [],
      kind,
      attack: kind === 'attack_suspected',
    };
  }
  return null;
}
