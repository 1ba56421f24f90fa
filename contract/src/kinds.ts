/**
 * The kinds of excursion the sidecar names (detect/excursion.ts in the sidecar decides), with the
 * words and the Grafana colours every view uses for them.
 */
export const EXCURSION_KINDS = ['spike', 'drop', 'level_shift', 'sustained', 'attack_suspected'] as const;
export type ExcursionKind = (typeof EXCURSION_KINDS)[number];

export const KIND_LABELS: Readonly<Record<ExcursionKind, string>> = {
  spike: 'Spike',
  drop: 'Drop',
  level_shift: 'Level shift',
  sustained: 'Sustained overload',
  attack_suspected: 'Attack suspected',
};

/** Grafana named colours per kind; attacks stand out from organic load. */
export const KIND_COLORS: Readonly<Record<ExcursionKind, string>> = {
  spike: 'red',
  drop: 'blue',
  level_shift: 'orange',
  sustained: 'yellow',
  attack_suspected: 'purple',
};
