/**
 * A series' provisional model: what it is banded with from the moment its history is loaded until
 * its first real fit (the forecast engine, in the worker pool) arrives. A watcher of 100,000
 * series needs 100,000 fits of tens of milliseconds each, which on two cores is most of an hour;
 * without a provisional model every one of those series would have no band, no score and no
 * verdict for that long.
 *
 * It is simple exponential smoothing, ETS(A,N,N): its smoothing weight chosen on the first two
 * thirds of the window, its band from its own one-step errors over the last third (held out, as the
 * engine calibrates its own), and never narrower than a normal band at those errors' root mean
 * square: a few dozen held-out errors put a 99.9% quantile at their largest, about 2.3 sigmas, and
 * a band that narrow flagged normal traffic within seconds in the live watch test. Tens of
 * microseconds a series on the main thread, no WASM. It follows the level and has no season: a
 * seasonal series gets a wider band from it than from its fitted model, never a narrower one,
 * since the errors it is calibrated on contain the season. The watcher uses it only when a first
 * fit has to wait (see Watcher), so a small watcher is banded by its fits alone, as before.
 */
import { symmetricCalibration } from '../forecast/calibration.js';
import { NO_DIAGNOSTICS, restoreModel, type ComposedModel, type ModelSnapshot } from '../forecast/model.js';
import { fitSes } from '../forecast/ses.js';

/** The name a provisional model reports (FittedModel.name). */
export const PROVISIONAL_MODEL = 'provisional:ets(A,N,N)';

/** Fewest observed points a provisional model is built from: 20 to choose alpha, 10 held-out errors. */
export const MIN_PROVISIONAL_POINTS = 30;

function rms(errors: ReadonlyArray<number>): number {
  let sum = 0;
  for (const e of errors) sum += e * e;
  return Math.sqrt(sum / Math.max(1, errors.length));
}

/**
 * The provisional model of a training window (null for a gap), or null when the window holds
 * fewer than MIN_PROVISIONAL_POINTS values.
 */
export function provisionalModel(values: ReadonlyArray<number | null>, confidence: number): ComposedModel | null {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    n += 1;
    sum += v;
  }
  if (n < MIN_PROVISIONAL_POINTS) return null;
  // Normalised units, as the engine's models work in (its band has a floor in those units).
  const center = sum / n;
  let squares = 0;
  for (const v of values) if (v !== null && Number.isFinite(v)) squares += (v - center) ** 2;
  let scale = Math.sqrt(squares / n);
  if (!(scale > 0)) scale = Math.max(Math.abs(center), 1) * 1e-6;
  const x = Float64Array.from(values, (v) => (v === null || !Number.isFinite(v) ? Number.NaN : (v - center) / scale));

  // Alpha from the first two thirds of the observed points, errors from the rest.
  let seen = 0;
  let split = x.length;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!) && ++seen === Math.ceil((2 * n) / 3)) {
      split = i + 1;
      break;
    }
  }
  const filter = fitSes(x.subarray(0, split));
  const errors: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const innovation = filter.observe(Number.isNaN(x[i]!) ? null : x[i]!);
    if (i >= split && innovation !== null) errors.push(innovation);
  }
  const snapshot: ModelSnapshot = {
    version: 1,
    name: PROVISIONAL_MODEL,
    family: 'ets',
    trainedOn: values.length,
    confidence,
    center,
    scale,
    transform: 'none',
    seasonal: { cycles: [], position: 0 },
    remainder: { kind: 'ets', filter: filter.state() },
    // bandScale's floor is half the model sigma: twice the RMS makes the floor the RMS itself.
    calibration: symmetricCalibration(errors, 2 * rms(errors)),
    diagnostics: NO_DIAGNOSTICS,
  };
  // Built here and handed over whole: nothing else holds it, so the model may read it in place.
  return restoreModel(snapshot, { shared: true });
}
