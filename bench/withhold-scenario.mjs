// The withholding scenario, one copy for the live bench (withhold-live.mjs) and its offline replay
// (withhold-replay.mjs), so the replay reproduces the traffic the live bench plays.

/** The native demo's scrape interval and watcher step (demo/watchers.native.yml). */
export const STEP = 5;
export const TRAIN_SECONDS = 600;
/** The rate window of the demo's watcher expressions: an event reaches the watcher spread over it. */
export const RATE_WINDOW = 60;

/** Normal traffic: packets per second and bytes per packet. */
export const PACKETS = 2000;
export const PACKET_BYTES = 600;

/**
 * The scenario, in seconds from its origin (once both sidecars have a model; a quiet minute first).
 * Factors multiply the normal packet and byte rates; `sign` is the side ntma_anomaly should take.
 * The level shift stays to the end (a new normal), and is judged until the flood starts, 420 s
 * later: longer than the 300 s an excursion may be withheld (half the window). The flood comes
 * last, on top of the new normal, since a model that learned it carries it in its 10-minute window
 * and a wider band would hide whatever came next.
 */
export const EVENTS = [
  { name: 'benign spike', kind: 'organic', start: 60, seconds: 30, packets: 3, bytes: 3, sign: 1 },
  { name: 'drop', kind: 'organic', start: 210, seconds: 60, packets: 0.3, bytes: 0.3, sign: -1 },
  {
    name: 'level shift (stays)',
    kind: 'organic',
    start: 390,
    seconds: 750,
    stays: true,
    packets: 1.6,
    bytes: 1.6,
    sign: 1,
  },
  { name: 'flood', kind: 'attack', start: 810, seconds: 150, packets: 5, bytes: 1.4, sign: 1 },
];
export const SCENARIO_SECONDS = 1140;

/** Seeded noise in [-1, 1] per (key, slot), so a backfill and the live series agree. */
export function seededNoise(seed) {
  return (key, second) => {
    let h = 2166136261 ^ seed;
    const text = `${key}:${Math.floor(second)}`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    return ((h >>> 0) / 0xffffffff) * 2 - 1;
  };
}

/**
 * Packets and bytes per second at second `t` of the traffic's clock (the swell and the noise follow
 * it), `s` seconds into the scenario (null before its origin: normal traffic only). Normal traffic is a slow hourly swell of ±5% with ±10% noise held
 * for each scrape interval (the 1-minute rate averages twelve of them, so the watched series moves
 * about 2% from step to step); the active events' factors multiply it (the flood rides on the
 * shifted level).
 */
export function scenarioRates(noise, t, s) {
  const slot = Math.floor(t / STEP);
  const base = PACKETS * (1 + 0.05 * Math.sin((2 * Math.PI * t) / 3600)) * (1 + 0.1 * noise('p', slot));
  const f = { packets: 1, bytes: 1 };
  if (s !== null) {
    for (const e of EVENTS) {
      if (s >= e.start && s < e.start + e.seconds) {
        f.packets *= e.packets;
        f.bytes *= e.bytes;
      }
    }
  }
  return { packets: base * f.packets, bytes: base * PACKET_BYTES * (1 + 0.05 * noise('b', slot)) * f.bytes };
}
