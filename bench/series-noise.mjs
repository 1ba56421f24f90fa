/**
 * Deterministic noise in [-1, 1] per (series index, slot): the offline capacity benches (watch-memory,
 * watch-step, metrics-exposition) draw their series from it, so their figures repeat run to run.
 */
export function noise(i, slot) {
  let h = 2166136261 ^ Math.imul(i + 1, 2654435761);
  h = Math.imul(h ^ slot, 16777619);
  h ^= h >>> 13;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}
