/**
 * Opt-in and limits, read from the labels on the workload (the Compose containers or the Swarm
 * service). Nothing is scalable unless it carries `ntma.scale.enabled=true`.
 *
 * | label                  | default | meaning                                                        |
 * |------------------------|---------|----------------------------------------------------------------|
 * | ntma.scale.enabled     | (off)   | `true` opts the workload in                                     |
 * | ntma.scale.min         | 1       | fewest replicas any action may leave (0 allowed)               |
 * | ntma.scale.max         | 10      | most replicas any action may leave                              |
 * | ntma.scale.step        | 1       | most replicas one automatic action adds or removes             |
 * | ntma.scale.cooldown    | 300s    | quiet time after a change before an automatic action (`90`, `90s`, `5m`, `1h`) |
 * | ntma.scale.auto        | off     | automatic scaling from alerts: `off`, `dry-run` (record only) or `on` |
 * | ntma.scale.attack-max  | NTMA_SCALE_ATTACK_MAX | automatic scale-out never passes this while the anomaly looks like an attack |
 *
 * The capacity model of the predictive policy (`ntma.scale.capacity`, `utilisation`, `lead`,
 * `stabilisation`, `watcher`, `series`) is documented in capacity.ts.
 */
import { parseDuration } from '@ntma/contract';
import { readCapacity, readLearnCeiling, type CapacityModel, type LearnSpec } from './capacity.js';

export const LABEL = {
  enabled: 'ntma.scale.enabled',
  min: 'ntma.scale.min',
  max: 'ntma.scale.max',
  step: 'ntma.scale.step',
  cooldown: 'ntma.scale.cooldown',
  auto: 'ntma.scale.auto',
  attackMax: 'ntma.scale.attack-max',
} as const;

export interface ScaleLimits {
  min: number;
  max: number;
  /** Cap on one automatic action's change. Manual requests may move anywhere within min..max. */
  step: number;
  cooldownSeconds: number;
}

export const DEFAULT_LIMITS: Readonly<ScaleLimits> = { min: 1, max: 10, step: 1, cooldownSeconds: 300 };

/** Hard ceiling on any max, so a typo such as `max=10000` cannot launch a fleet. */
export const MAX_REPLICAS_CEILING = 1000;

export type AutoMode = 'off' | 'dry-run' | 'on';

export interface ScaleSettings {
  enabled: boolean;
  limits: ScaleLimits;
  auto: AutoMode;
  /** Per-target attack-aware cap; null means the configured default. */
  attackMax: number | null;
  /** What one replica serves and which series is its demand; null: the predictive policy holds. */
  capacity: CapacityModel | null;
  /**
   * Without a capacity model: how to learn what one replica carries (the `ntma.scale.learn-*` labels), a ceiling on
   * the alert-driven policy's per-replica load; absent or null: none.
   */
  learnCeiling?: LearnSpec | null;
}

export type LabelReading =
  { ok: true; settings: ScaleSettings } | { ok: false; settings: ScaleSettings; error: string };

function wholeNumber(labels: Record<string, string>, name: string, fallback: number, min: number): number {
  const raw = labels[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`label ${name}: expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > MAX_REPLICAS_CEILING) {
    throw new Error(`label ${name}: expected ${min}..${MAX_REPLICAS_CEILING}, got ${value}`);
  }
  return value;
}

/**
 * Whole seconds of a label's duration, in the contract's one grammar (`90`, `90s`, `5m`, `1h30m`, `1d`); `0`
 * too, since a cooldown of zero means "act again at once".
 */
export function parseDurationSeconds(raw: string): number | undefined {
  if (/^\s*0+\s*$/.test(raw)) return 0;
  const seconds = parseDuration(raw);
  return seconds !== undefined && Number.isInteger(seconds) ? seconds : undefined;
}

function autoMode(raw: string | undefined): AutoMode {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'off' || value === 'false') return 'off';
  if (value === 'on' || value === 'true') return 'on';
  if (value === 'dry-run' || value === 'dryrun' || value === 'shadow') return 'dry-run';
  throw new Error(`label ${LABEL.auto}: expected off, dry-run or on, got "${raw}"`);
}

/**
 * Reads the scale labels. A malformed value does not silently fall back to a default: the target
 * is reported with the error (naming the label) and refused until it is fixed.
 */
export function readScaleLabels(labels: Record<string, string>): LabelReading {
  const enabled = labels[LABEL.enabled]?.trim().toLowerCase() === 'true';
  const fallback: ScaleSettings = {
    enabled,
    limits: { ...DEFAULT_LIMITS },
    auto: 'off',
    attackMax: null,
    capacity: null,
  };
  try {
    const min = wholeNumber(labels, LABEL.min, DEFAULT_LIMITS.min, 0);
    const max = wholeNumber(labels, LABEL.max, Math.max(DEFAULT_LIMITS.max, min), 1);
    if (max < min) throw new Error(`label ${LABEL.max}: ${max} is below ${LABEL.min} ${min}`);
    const step = wholeNumber(labels, LABEL.step, DEFAULT_LIMITS.step, 1);
    const rawCooldown = labels[LABEL.cooldown];
    let cooldownSeconds = DEFAULT_LIMITS.cooldownSeconds;
    if (rawCooldown !== undefined && rawCooldown.trim() !== '') {
      const parsed = parseDurationSeconds(rawCooldown);
      if (parsed === undefined) {
        throw new Error(
          `label ${LABEL.cooldown}: expected seconds or a duration like 90s, 5m, 1h; got "${rawCooldown}"`,
        );
      }
      cooldownSeconds = parsed;
    }
    const rawAttackMax = labels[LABEL.attackMax];
    const attackMax =
      rawAttackMax === undefined || rawAttackMax.trim() === '' ? null : wholeNumber(labels, LABEL.attackMax, 0, 0);
    const learnCeiling = readLearnCeiling(labels);
    return {
      ok: true,
      settings: {
        enabled,
        limits: { min, max, step, cooldownSeconds },
        auto: autoMode(labels[LABEL.auto]),
        attackMax,
        capacity: readCapacity(labels),
        ...(learnCeiling ? { learnCeiling } : {}),
      },
    };
  } catch (error) {
    return { ok: false, settings: fallback, error: (error as Error).message };
  }
}

/** Every label that decides opt-in and limits starts with this. */
export const SCALE_LABEL_PREFIX = 'ntma.scale.';

/** One replica's labels, named for messages. */
export interface ReplicaLabels {
  name: string;
  labels: Record<string, string>;
}

/**
 * Replicas of one service must agree on every `ntma.scale.*` label: any one replica's labels would
 * otherwise decide for all, so a single stray container carrying the service's Compose labels and
 * its own `ntma.scale.min=0` could opt the whole group in, or change its limits. Returns undefined
 * when they agree, else a message naming the first label that differs and two replicas that
 * differ on it (`replicas` oldest first, so the message shows the original value first).
 */
export function scaleLabelConflict(replicas: readonly ReplicaLabels[]): string | undefined {
  const names = new Set<string>();
  for (const replica of replicas) {
    for (const name of Object.keys(replica.labels)) if (name.startsWith(SCALE_LABEL_PREFIX)) names.add(name);
  }
  const shown = (value: string | undefined): string => (value === undefined ? 'unset' : `"${value}"`);
  for (const name of [...names].sort()) {
    const [first, ...rest] = replicas;
    if (!first) return undefined;
    const expected = first.labels[name]?.trim();
    const other = rest.find((r) => r.labels[name]?.trim() !== expected);
    if (other) {
      return (
        `replicas disagree on ${name}: ${shown(expected)} on ${first.name}, ` +
        `${shown(other.labels[name]?.trim())} on ${other.name}; every replica must carry the same ntma.scale.* labels`
      );
    }
  }
  return undefined;
}
