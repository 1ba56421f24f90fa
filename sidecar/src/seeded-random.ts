/**
 * Seeded uniform generators: the same sequence for the same seed, with no dependency. The
 * sidecar's warm-ups use them so every start does the same work; the tests' fixtures and the
 * benches use them so their series repeat run to run. Two algorithms, because series generated
 * by each are already committed (test expectations, bench results): changing one would change them.
 */

/** xorshift32 (Marsaglia 2003): uniform in [0, 1); seed 0 is taken as 1 (0 is its fixed point). */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

/** mulberry32: uniform in [0, 1), with better low bits than xorshift32 for small seeds. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** xorshift32 noise in [-0.5, 0.5), what the warm-ups feed their fits. */
export function seededNoise(seed: number): () => number {
  const uniform = xorshift32(seed);
  return () => uniform() - 0.5;
}
