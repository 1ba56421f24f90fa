/**
 * xorshift32 noise in [-0.5, 0.5): the same sequence for the same seed, so every warm-up (the
 * workers' and the server's) does the same work on every start.
 */
export function seededNoise(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296 - 0.5;
  };
}
