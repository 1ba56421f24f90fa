/** Seeded series for the forecasting tests: reproducible without R. */

import { mulberry32 } from '../../seeded-random.js';

/** The shared seeded generator (mulberry32) with Gaussian draws (Box-Muller). */
export function rng(seed: number): { uniform(): number; normal(): number } {
  const uniform = mulberry32(seed);
  return {
    uniform,
    normal(): number {
      let u = 0;
      while (u === 0) u = uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}

/** ARMA(1,1) around `mean`: x_t = mean + phi (x_{t-1} - mean) + e_t + theta e_{t-1}. */
export function arma(n: number, seed: number, { phi = 0.6, theta = 0.3, sd = 1, mean = 100 } = {}): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let prev = 0;
  let prevE = 0;
  for (let i = 0; i < 200 + n; i++) {
    const e = sd * r.normal();
    const x = phi * prev + e + theta * prevE;
    prev = x;
    prevE = e;
    if (i >= 200) out.push(mean + x);
  }
  return out;
}

/**
 * Traffic-like: a daily cycle with a second harmonic, quieter weekends, a slowly wandering
 * level and AR(1) noise. `day` is the number of points per day.
 */
export function traffic(
  n: number,
  seed: number,
  { day = 1440, amplitude = 30, noise = 3, phi = 0.7, walk = 0.05, level = 200 } = {},
): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let a = 0;
  let l = level;
  for (let i = 0; i < n; i++) {
    a = phi * a + noise * r.normal();
    l += walk * r.normal();
    const phase = (i % day) / day;
    const weekend = Math.floor(i / day) % 7 >= 5 ? -0.2 * amplitude : 0;
    out.push(
      l + amplitude * Math.sin(2 * Math.PI * phase) + 0.4 * amplitude * Math.cos(4 * Math.PI * phase) + weekend + a,
    );
  }
  return out;
}

/** Share of values inside [lower, upper], skipping gaps. */
export function coverage(values: ReadonlyArray<number | null>, lower: number[], upper: number[]): number {
  let inside = 0;
  let total = 0;
  values.forEach((v, i) => {
    if (v === null) return;
    total++;
    if (v >= lower[i]! && v <= upper[i]!) inside++;
  });
  return inside / total;
}
