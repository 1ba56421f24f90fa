/**
 * The shape suite's synthetic series (issue 18): fixed seeds, nothing from the clock. Shared by the suite
 * (shapes.mjs), which scores every peer on them, and bench/bands-shapes-coverage.mjs, which sends two of them
 * through the bands service.
 */
import { loadSidecar } from '../cli.mjs';

const { mulberry32 } = await loadSidecar('seeded-random.js');
const { BANDS_FIT_OPTIONS } = await loadSidecar('forecast/bands-options.js');

/** The sidecar's seeded mulberry32 with Box-Muller normals and Knuth/normal-approximation Poisson draws. */
export function rng(seed) {
  const uniform = mulberry32(seed);
  const normal = () => {
    let u = 0;
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  const poisson = (lambda) => {
    if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = uniform();
    while (p > limit) {
      k++;
      p *= uniform();
    }
    return k;
  };
  return { uniform, normal, poisson };
}

/**
 * The spec the suite's NTMA runner (ntma.mjs) fits a shape with, for the benches that fit in-process
 * (random-origins.mjs, calibration-dump.mjs): the bands API's options (BANDS_FIT_OPTIONS, read from the built
 * sidecar so that the two cannot drift apart), each of which an NTMA_* variable may override (ntma.mjs).
 */
export function runnerSpec(shape, confidence, overrides = {}) {
  return { stepSeconds: shape.step, model: 'auto', confidence, ...BANDS_FIT_OPTIONS, ...overrides };
}

export const DAY_1M = 1440;
export const DAY_5M = 288;

/** Daily cycle with a second harmonic, quieter weekends, wandering level, AR(1) noise. */
function traffic(n, seed, { day, amplitude = 30, noise = 3, weekend = 0.2, level = 200 }) {
  const r = rng(seed);
  const y = [];
  let a = 0;
  let l = level;
  for (let t = 0; t < n; t++) {
    a = 0.7 * a + noise * r.normal();
    l += 0.02 * noise * r.normal();
    const phase = (t % day) / day;
    const off = Math.floor(t / day) % 7 >= 5 ? -weekend * amplitude : 0;
    y.push(l + amplitude * Math.sin(2 * Math.PI * phase) + 0.4 * amplitude * Math.cos(4 * Math.PI * phase) + off + a);
  }
  return y;
}

/** Each shape: a step, a training length, the true periods, and a generator of train + horizon points. */
export const SYNTHETIC_SHAPES = [
  {
    name: 'cycle-4h@1m',
    step: 60,
    train: 2880,
    periods: [240],
    make: (n, seed) => {
      const r = rng(seed);
      let a = 0;
      return Array.from({ length: n }, (_, t) => {
        a = 0.6 * a + 2 * r.normal();
        return 100 + 20 * Math.sin((2 * Math.PI * t) / 240) + a;
      });
    },
  },
  {
    name: 'trend+AR@1m',
    step: 60,
    train: 2000,
    periods: [],
    make: (n, seed) => {
      const r = rng(seed);
      let a1 = 0;
      let a2 = 0;
      return Array.from({ length: n }, (_, t) => {
        const a = 0.5 * a1 + 0.3 * a2 + 2 * r.normal();
        a2 = a1;
        a1 = a;
        return 50 + 0.02 * t + a;
      });
    },
  },
  {
    name: 'daily@1m',
    step: 60,
    train: 7 * DAY_1M,
    periods: [DAY_1M],
    make: (n, s) => traffic(n, s, { day: DAY_1M, weekend: 0 }),
  },
  {
    name: 'daily+weekly@1m',
    step: 60,
    // More than two weeks (R takes a period only below half the length), ending as a weekend starts.
    train: 19 * DAY_1M,
    periods: [DAY_1M, 7 * DAY_1M],
    make: (n, s) => traffic(n, s, { day: DAY_1M, weekend: 1 }),
  },
  {
    name: 'daily@5m',
    step: 300,
    train: 7 * DAY_5M,
    periods: [DAY_5M],
    make: (n, s) => traffic(n, s, { day: DAY_5M, weekend: 0 }),
  },
  {
    name: 'daily+weekly@5m',
    step: 300,
    train: 21 * DAY_5M,
    periods: [DAY_5M, 7 * DAY_5M],
    make: (n, s) => traffic(n, s, { day: DAY_5M, weekend: 1 }),
  },
  {
    name: 'poisson-12h@5m',
    step: 300,
    train: 7 * DAY_5M,
    periods: [144],
    make: (n, seed) => {
      const r = rng(seed);
      return Array.from({ length: n }, (_, t) => r.poisson(6 + 5 * Math.sin((2 * Math.PI * t) / 144)));
    },
  },
  {
    name: 'level-noise@1m',
    step: 60,
    train: 3 * DAY_1M,
    periods: [DAY_1M],
    make: (n, seed) => {
      // Noise proportional to a level that swings 10x over the day (traffic in bytes/s).
      const r = rng(seed);
      let a = 0;
      return Array.from({ length: n }, (_, t) => {
        a = 0.5 * a + 0.08 * r.normal();
        const level = 275 + 225 * Math.sin((2 * Math.PI * t) / DAY_1M);
        return level * Math.exp(a);
      });
    },
  },
  {
    name: 'counter-resets@1m',
    step: 60,
    train: 2000,
    periods: [],
    make: (n, seed) => {
      // A raw counter (increments ~ Poisson(50)) that restarts from zero now and then.
      const r = rng(seed);
      let c = 1e4 * seed;
      return Array.from({ length: n }, (_, t) => {
        if (t > 0 && t % 700 === 350) c = 0;
        c += r.poisson(50);
        return c;
      });
    },
  },
  {
    name: 'level-steps@1m',
    step: 60,
    train: 2000,
    periods: [],
    make: (n, seed) => {
      const r = rng(seed);
      let level = 100;
      return Array.from({ length: n }, (_, t) => {
        if (t % 400 === 200) level += 30 * (r.uniform() < 0.5 ? -1 : 1);
        return level + 2 * r.normal();
      });
    },
  },
];

/**
 * The suite's level steps with jumps at irregular gaps (random-origins.mjs --level-gaps), so that a rule for breaks cannot be
 * a fit to the suite's schedule: `uniform` gaps of 200-600 steps, `geometric` ones (a jump at any step with chance
 * 1/400), `jitter` the suite's 400 +- 15 (uniform). Level 100, jumps of +-30, noise of sd 2, as the suite's; the gaps
 * drawn from a stream of their own (seed + 77,777).
 */
export function irregularLevelSteps(gaps) {
  const suite = SYNTHETIC_SHAPES.find((shape) => shape.name === 'level-steps@1m');
  const jumpsOf = (n, g) => {
    const jumps = new Set();
    if (gaps === 'uniform') {
      for (let t = Math.floor(g.uniform() * 400); t < n; t += 200 + Math.floor(g.uniform() * 401)) jumps.add(t);
    } else if (gaps === 'geometric') {
      for (let t = 1; t < n; t++) if (g.uniform() < 1 / 400) jumps.add(t);
    } else if (gaps === 'jitter') {
      for (let k = 0; k * 400 + 200 < n + 400; k++) jumps.add(k * 400 + 200 + Math.round((g.uniform() * 2 - 1) * 15));
    } else {
      throw new Error(`--level-gaps: uniform, geometric or jitter, not ${gaps}`);
    }
    return jumps;
  };
  return {
    ...suite,
    name: `level-steps@1m, ${gaps} gaps`,
    make: (n, seed) => {
      const r = rng(seed);
      const jumps = jumpsOf(n, rng(seed + 77777));
      let level = 100;
      return Array.from({ length: n }, (_, t) => {
        if (jumps.has(t)) level += 30 * (r.uniform() < 0.5 ? -1 : 1);
        return level + 2 * r.normal();
      });
    },
  };
}

/** Steps the random-phase origins' offsets are drawn over: a whole number of both break schedules (400, 700). */
export const BREAK_PHASES = 2800;

/**
 * Origins of random phase on a synthetic shape (random-origins.mjs, random-phase-peers.mjs): origin k cuts the
 * shape's training length out of a longer series at an offset drawn uniformly over BREAK_PHASES steps (`phase0`:
 * at offset 0, where the suite cuts), with seed 500,001 + 1000 seed + k (the suite's are 1,007-8,007), and the
 * `horizon` points after it to score on. The same seed gives the same origins in every script.
 */
export function* randomPhaseOrigins(shape, { seed, origins, horizon, phase0 = false }) {
  const draw = rng(seed);
  for (let k = 0; k < origins; k++) {
    const drawn = Math.floor(draw.uniform() * BREAK_PHASES);
    const offset = phase0 ? 0 : drawn;
    const y = shape.make(offset + shape.train + horizon, 500001 + 1000 * seed + k);
    yield { k, offset, train: y.slice(offset, offset + shape.train), future: y.slice(offset + shape.train) };
  }
}
