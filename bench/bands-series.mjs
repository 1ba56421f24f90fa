/**
 * The bench's synthetic traffic, where in the calendar it lies, and its accuracy measure; shared by
 * bands.mjs and bands-peers.mjs.
 */
import { createHash } from 'node:crypto';
import { loadSidecar } from './cli.mjs';

const { xorshift32 } = await loadSidecar('seeded-random.js');

const DAY = 86400;

/**
 * Where every latency and peer series starts: Wednesday 2026-10-07 12:00 UTC, a constant. The series
 * used to start 40 days before the run, so the traffic's weekday and hour (quieter weekends, a daily
 * cycle) moved with the date of the run and so did the figures (issue 18: the peers' 60-step MASE at
 * 1,440 points went from 3.66 vs 1.28 to 2.15 vs 1.67 between two runs). A Wednesday noon puts the
 * end of every training window (1, 7 or 28 days, so Thursday, Wednesday and Wednesday noon) in the
 * middle of the week: the held-out hour is ordinary traffic, and the weekend's level changes are
 * measured on their own, origin by origin (COVERAGE_ORIGINS). In the past, so no series reaches
 * beyond the day it was chosen.
 */
export const SERIES_START = Date.UTC(2026, 9, 7, 12) / 1000;

/**
 * The ends of the coverage part's training windows: noon UTC on each day of the week of Monday
 * 2026-10-12, Monday first. Each held-out day then runs noon to noon, so the Friday and Sunday origins
 * have the weekend's level change (x0.8 at Saturday 00:00, back at Monday 00:00) in the middle of it
 * and the others have none; the mean over the seven is the coverage of a week.
 */
export const COVERAGE_ORIGINS = Array.from({ length: 7 }, (_, d) => Date.UTC(2026, 9, 12 + d, 12) / 1000);

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Fri 12:00 → Sat 12:00": the held-out day after an origin, in UTC. */
export function heldOutDay(origin, seconds = DAY) {
  const at = (t) => {
    const date = new Date(t * 1000);
    return `${WEEKDAYS[date.getUTCDay()]} ${date.toISOString().slice(11, 16)}`;
  };
  return `${at(origin)} → ${at(origin + seconds)}`;
}

/** SHA-256 over series' values, in order: the same hex on any day the bench runs. */
export function seriesDigest() {
  const hash = createHash('sha256');
  return {
    add(values) {
      hash.update(Buffer.from(Float64Array.from(values).buffer));
    },
    hex: () => hash.digest('hex'),
  };
}

/** The sidecar's xorshift32, moved half a step up so a draw is never 0 (its logarithm is taken). */
function uniformFrom(seed) {
  const uniform = xorshift32(seed);
  return () => uniform() + 0.5 / 4294967296;
}

/**
 * Request-rate-like traffic at `stepSeconds`: a daily cycle with a second harmonic, quieter
 * weekends, and AR(1) noise (traffic noise is autocorrelated, which is what ARIMA is for).
 */
export function generateTraffic(count, stepSeconds, start, seed) {
  const uniform = uniformFrom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const values = new Array(count);
  let noise = 0;
  for (let i = 0; i < count; i++) {
    const t = start + i * stepSeconds;
    const day = (2 * Math.PI * (t % DAY)) / DAY;
    const weekday = Math.floor(t / DAY + 4) % 7; // 1970-01-01 was a Thursday
    const weekend = weekday === 0 || weekday === 6 ? 0.8 : 1;
    noise = 0.6 * noise + 20 * gaussian();
    values[i] = weekend * (1000 + 400 * Math.sin(day) + 120 * Math.sin(2 * day + 1)) + noise;
  }
  return values;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): forecast MAE over the MAE of the in-sample
 * (seasonal, lag m) naive forecast. Below 1 beats the naive forecast.
 */
export function mase(train, test, forecast, m = 1) {
  let naive = 0;
  for (let i = m; i < train.length; i++) naive += Math.abs(train[i] - train[i - m]);
  naive /= train.length - m;
  let error = 0;
  for (let i = 0; i < test.length; i++) error += Math.abs(test[i] - forecast[i]);
  return error / test.length / naive;
}
