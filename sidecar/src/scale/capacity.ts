/**
 * The capacity model of a target: how much of the watched signal one replica serves, and which
 * watched series is that signal. Read from the workload's labels like its limits. Without
 * `ntma.scale.capacity` there is no model, and the predictive policy holds ("no capacity model")
 * rather than guess: a replica count cannot be derived from traffic without knowing what one
 * replica can take.
 *
 * | label                       | default | meaning                                                            |
 * |-----------------------------|---------|--------------------------------------------------------------------|
 * | ntma.scale.capacity         | (none)  | signal units one replica serves at full load, e.g. 50 (requests/s) |
 * | ntma.scale.utilisation      | 0.7     | share of that capacity to plan for (0.05..1)                       |
 * | ntma.scale.lead             | 60s     | time a new replica takes to serve; the forecast horizon of scale-out |
 * | ntma.scale.stabilisation    | 300s    | scale-in waits this long and needs the forecast over it to stay low |
 * | ntma.scale.watcher          | (any)   | the watcher whose series is the demand (name from the watchers file) |
 * | ntma.scale.series           | (none)  | label matcher `name=value,name=value` choosing the series; default: the series whose `ntma_target` is this target |
 *
 * `ntma.scale.capacity=learn` learns the capacity from Prometheus history instead (capacity-learning.ts):
 * the signal per running replica while the service was healthy. It needs all of
 * `ntma.scale.learn-signal` (PromQL of the signal, e.g. requests/s), `ntma.scale.learn-replicas`
 * (PromQL of the running replicas), `ntma.scale.learn-health` (PromQL of latency or CPU) and
 * `ntma.scale.learn-healthy-below` (the health value below which the service was healthy), with
 * `ntma.scale.learn-window` (default 24h, at most 7d); a missing one is a label error, and until
 * enough healthy history is there the policy holds rather than guess.
 */
import { parseDurationSeconds } from './labels.js';

export const CAPACITY_LABEL = {
  capacity: 'ntma.scale.capacity',
  utilisation: 'ntma.scale.utilisation',
  lead: 'ntma.scale.lead',
  stabilisation: 'ntma.scale.stabilisation',
  watcher: 'ntma.scale.watcher',
  series: 'ntma.scale.series',
  learnSignal: 'ntma.scale.learn-signal',
  learnReplicas: 'ntma.scale.learn-replicas',
  learnHealth: 'ntma.scale.learn-health',
  learnHealthyBelow: 'ntma.scale.learn-healthy-below',
  learnWindow: 'ntma.scale.learn-window',
} as const;

export const DEFAULT_LEARN_WINDOW_SECONDS = 86_400;
const MAX_LEARN_WINDOW_SECONDS = 7 * 86_400;

/** How to learn a target's capacity from Prometheus history (`ntma.scale.capacity=learn`). */
export interface LearnSpec {
  /** PromQL: the watched signal (summed over its series), e.g. the service's requests/s. */
  signal: string;
  /** PromQL: the replicas running (summed over its series). */
  replicas: string;
  /** PromQL: a latency or CPU figure (the highest of its series counts). */
  health: string;
  /** The service was healthy while `health` stayed below this. */
  healthyBelow: number;
  windowSeconds: number;
}

export const DEFAULT_UTILISATION = 0.7;
export const DEFAULT_LEAD_SECONDS = 60;
export const DEFAULT_STABILISATION_SECONDS = 300;

/** Which watched series carries the target's demand. */
export interface DemandSelector {
  /** Watcher name; undefined means any watcher. */
  watcher?: string;
  /** Exact label values the series must carry; undefined means "its ntma_target is this target". */
  match?: Record<string, string>;
}

export interface CapacityModel {
  /** Signal units (e.g. requests/s) one replica serves at full load. */
  perReplica: number;
  /** Share of `perReplica` the policy plans for, in (0, 1]. */
  utilisation: number;
  /** Seconds a new replica takes to serve; scale-out looks this far ahead. */
  leadSeconds: number;
  /** Scale-in waits this long after a change, and looks this far ahead and back. */
  stabilisationSeconds: number;
  selector: DemandSelector;
  /** Set when the capacity is learned: `perReplica` is then 0 until the scaler fills it in from history. */
  learn?: LearnSpec;
  /** Where `perReplica` came from, for the explanation: the label, or the history it was learned from. */
  origin?: string;
}

function positiveNumber(labels: Record<string, string>, name: string): number | undefined {
  const raw = labels[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`label ${name}: expected a positive number, got "${raw}"`);
  }
  return value;
}

function duration(labels: Record<string, string>, name: string, fallback: number, most = 86_400): number {
  const raw = labels[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined || seconds > most) {
    const limit = most === 86_400 ? '1 day' : `${most / 86_400} days`;
    throw new Error(`label ${name}: expected seconds or a duration like 90s, 5m, 1h (at most ${limit}); got "${raw}"`);
  }
  return seconds;
}

function required(labels: Record<string, string>, name: string, what: string): string {
  const raw = labels[name]?.trim();
  if (!raw) throw new Error(`${what} needs ${name}: without it there is nothing to learn from`);
  return raw;
}

function readLearnSpec(labels: Record<string, string>, what = `label ${CAPACITY_LABEL.capacity}=learn`): LearnSpec {
  const healthyBelow = Number(required(labels, CAPACITY_LABEL.learnHealthyBelow, what));
  if (!Number.isFinite(healthyBelow) || healthyBelow <= 0) {
    throw new Error(
      `label ${CAPACITY_LABEL.learnHealthyBelow}: expected a positive number, got "${labels[CAPACITY_LABEL.learnHealthyBelow]}"`,
    );
  }
  const windowSeconds = duration(
    labels,
    CAPACITY_LABEL.learnWindow,
    DEFAULT_LEARN_WINDOW_SECONDS,
    MAX_LEARN_WINDOW_SECONDS,
  );
  if (windowSeconds < 3600) throw new Error(`label ${CAPACITY_LABEL.learnWindow}: at least 1h, got ${windowSeconds}s`);
  return {
    signal: required(labels, CAPACITY_LABEL.learnSignal, what),
    replicas: required(labels, CAPACITY_LABEL.learnReplicas, what),
    health: required(labels, CAPACITY_LABEL.learnHealth, what),
    healthyBelow,
    windowSeconds,
  };
}

const LEARN_LABELS = [
  CAPACITY_LABEL.learnSignal,
  CAPACITY_LABEL.learnReplicas,
  CAPACITY_LABEL.learnHealth,
  CAPACITY_LABEL.learnHealthyBelow,
  CAPACITY_LABEL.learnWindow,
];

/**
 * For a target without `ntma.scale.capacity` (the alert-driven policy): what one replica carries, learned from the
 * `ntma.scale.learn-*` labels as `learn` would, used only as a ceiling on the per-replica load its scale-ins are held
 * to (policy.ts). Null when it sets none of them; throws (naming the label) when it sets some but not all.
 */
export function readLearnCeiling(labels: Record<string, string>): LearnSpec | null {
  if (labels[CAPACITY_LABEL.capacity]?.trim()) return null;
  if (!LEARN_LABELS.some((name) => labels[name]?.trim())) return null;
  return readLearnSpec(labels, "a ceiling on the alert-driven policy's per-replica load (ntma.scale.learn-* labels)");
}

/** `job=web,instance=a:80` as a label map; names follow Prometheus' rules. */
export function parseMatcher(raw: string, name: string = CAPACITY_LABEL.series): Record<string, string> {
  const match: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const pair = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(part);
    if (!pair || pair[2] === '') {
      throw new Error(`label ${name}: expected name=value[,name=value...], got "${raw}"`);
    }
    match[pair[1]!] = pair[2]!;
  }
  return match;
}

/**
 * The target's capacity model, null when it sets no `ntma.scale.capacity`. Throws (with the
 * label's name) on a malformed value; the caller turns that into the target's label error.
 */
export function readCapacity(labels: Record<string, string>): CapacityModel | null {
  const learn = labels[CAPACITY_LABEL.capacity]?.trim().toLowerCase() === 'learn' ? readLearnSpec(labels) : undefined;
  const perReplica = learn ? 0 : positiveNumber(labels, CAPACITY_LABEL.capacity);
  const utilisation = positiveNumber(labels, CAPACITY_LABEL.utilisation) ?? DEFAULT_UTILISATION;
  if (utilisation < 0.05 || utilisation > 1) {
    throw new Error(`label ${CAPACITY_LABEL.utilisation}: expected 0.05..1, got ${utilisation}`);
  }
  const leadSeconds = duration(labels, CAPACITY_LABEL.lead, DEFAULT_LEAD_SECONDS);
  const stabilisationSeconds = duration(labels, CAPACITY_LABEL.stabilisation, DEFAULT_STABILISATION_SECONDS);
  const selector: DemandSelector = {};
  const watcher = labels[CAPACITY_LABEL.watcher]?.trim();
  if (watcher) selector.watcher = watcher;
  const series = labels[CAPACITY_LABEL.series]?.trim();
  if (series) selector.match = parseMatcher(series);
  if (perReplica === undefined) return null;
  if (learn) return { perReplica, utilisation, leadSeconds, stabilisationSeconds, selector, learn };
  return {
    perReplica,
    utilisation,
    leadSeconds,
    stabilisationSeconds,
    selector,
    origin: `label ${CAPACITY_LABEL.capacity}`,
  };
}
