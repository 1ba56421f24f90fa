#!/usr/bin/env node
/**
 * The live withholding bench's scenario (bench/withhold-live.mjs) replayed without Prometheus, so
 * a change to withholding can be measured on many seeds in a minute instead of 20 minutes a seed.
 * The same scripted traffic (seeded noise, events, 5 s step, 10 min window), read as Prometheus'
 * rate over 1m reads it (scrapes every 5 s at a random phase, increase over the samples in the
 * window, extrapolated as Prometheus does), goes through the built ForecastDetector exactly as a
 * watcher configures it (watcherDetectorOptions, sensitivity medium), fitted synchronously
 * whenever it asks (the first fit with the watcher's bounded order search), with the watcher's
 * attack classifier: its own packets rate and the bytes rate as signals, baselines the median of
 * the last 30 points before the excursion was first classified, an excursion once called an
 * attack staying one (watch/watcher.ts).
 *
 * It replays the live path by default (`--start live`): the detector is given its whole training
 * window as a backfill with no model (the sidecar's range query at start), its first fit comes after
 * it, and scoring starts at the scenario's origin with no history of surprises, as the live bench
 * starts its scenario once the sidecars band the series. Fits are asked for after a step's update,
 * read their window then, and are installed `--fit-delay` steps later (default 1: before the next
 * step, as the worker pool answers on an idle machine; more is a loaded pool), the points missed
 * meanwhile replayed into the new model by install(). `--start warm` is the old replay: fitted
 * synchronously from the middle of a longer backfill, so the scenario starts on a model refitted
 * once with a minute of scored history.
 *
 * What it does not reproduce: the live scrape and query timing jitter, and the events' phase
 * against the step grid. So its figures are close to, not the same as, the live bench's; the live
 * bench stays the judge.
 *
 * Per seed and setting: the flood's detection delay, share flagged on its side, whether the flag
 * held to its end, seconds flagged after it (and whether its end read as a drop); the same for the
 * spike and drop; the level shift's flagged seconds; quiet seconds flagged. Writes nothing.
 * Usage: node bench/withhold-replay.mjs [--skip-build] [--seeds N] [--from S] [--settings attacks,excursions]
 *        [--start live|warm] [--fit-delay STEPS]
 *        [--trace SEED [--trace-from S --trace-to S]] (prints value, forecast, band, residual, score, side, kind, model)
 */
import { args, buildSidecar, loadSidecar, option } from './cli.mjs';
import {
  EVENTS,
  RATE_WINDOW,
  SCENARIO_SECONDS,
  STEP,
  TRAIN_SECONDS,
  scenarioRates,
  seededNoise,
} from './withhold-scenario.mjs';

const SEEDS = option('--seeds', 8);
const FROM = option('--from', 1);
const TRACE = option('--trace', 0);
/** Scenario seconds traced (the flood by default). */
const TRACE_FROM = option('--trace-from', 780);
const TRACE_TO = option('--trace-to', 1100);
const text = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const SETTINGS = text('--settings', 'attacks,excursions').split(',');
const START = text('--start', 'live');
if (START !== 'live' && START !== 'warm') throw new Error(`--start live|warm, got ${START}`);
/** Steps between a fit's request (after a step's update) and its install (before a later step's update). */
const FIT_DELAY = option('--fit-delay', 1);
if (!(Number.isInteger(FIT_DELAY) && FIT_DELAY >= 1))
  throw new Error(`--fit-delay takes whole steps >= 1, got ${FIT_DELAY}`);

buildSidecar();
const { ForecastDetector } = await loadSidecar('detect/forecast-detector.js');
const { watcherDetectorOptions } = await loadSidecar('watch/detectors.js');
const { FIRST_FIT_SEARCH_FITS: FIT_SEARCH_FIRST } = await loadSidecar('watch/watcher.js');
const { classify } = await loadSidecar('watch/classify.js');
const { RecentValues } = await loadSidecar('watch/signals.js');
const { fit } = await loadSidecar('forecast/fit.js');

const CONFIDENCE = 0.99;
/**
 * History before the origin: live, the sidecar's backfill (its training window, no model until it
 * is in); warm, a minute more, fitted as it comes.
 */
const BACKFILL_SECONDS = START === 'live' ? TRAIN_SECONDS : TRAIN_SECONDS + 60;

/** Per-second scripted rates, as the live exporter's, `t` seconds from the scenario's origin. */
function scriptedRates(seed, t) {
  return scenarioRates(seededNoise(seed), t, t);
}

/** The counters at every scrape (every STEP s from -BACKFILL - RATE_WINDOW, at `phase`). */
function scrapes(seed, phase) {
  const out = [];
  let packets = 0;
  let bytes = 0;
  let at = -BACKFILL_SECONDS - 2 * RATE_WINDOW;
  for (let t = at + phase; t <= SCENARIO_SECONDS + STEP; t += STEP) {
    for (let a = at; a < t; a += 0.25) {
      const b = Math.min(t, a + 0.25);
      const r = scriptedRates(seed, (a + b) / 2);
      packets += r.packets * (b - a);
      bytes += r.bytes * (b - a);
    }
    at = t;
    out.push({ t, packets, bytes });
  }
  return out;
}

/** Prometheus' rate(x[1m]) at t: increase over the samples in (t - 60, t], extrapolated to the window's edges. */
function rate(samples, key, t) {
  const inWindow = samples.filter((s) => s.t > t - RATE_WINDOW && s.t <= t);
  if (inWindow.length < 2) return null;
  const first = inWindow[0];
  const last = inWindow.at(-1);
  const sampled = last.t - first.t;
  const increase = last[key] - first[key];
  const average = sampled / (inWindow.length - 1);
  const threshold = average * 1.1;
  let toStart = first.t - (t - RATE_WINDOW);
  let toEnd = t - last.t;
  if (toStart >= threshold) toStart = average / 2;
  if (toEnd >= threshold) toEnd = average / 2;
  // A counter's extrapolation towards the start stops where it would reach zero (never here).
  return (increase * ((sampled + toStart + toEnd) / sampled)) / RATE_WINDOW;
}

function run(seed, withhold) {
  const phase = (((seed * 2654435761) >>> 0) / 2 ** 32) * STEP;
  const samples = scrapes(seed, phase);
  const recentPackets = new RecentValues();
  const recentBytes = new RecentValues();
  let open = null;
  const classifier = (excursion) => {
    const same = open !== null && open.startedAt === excursion.startedAt;
    if (same && open.kind === 'attack_suspected') return 'attack_suspected';
    const readings = {};
    const add = (role, recent) => {
      const current = recent.latest();
      const baseline = (same ? open.baselines[role] : undefined) ?? recent.baseline();
      if (current !== null && baseline !== null) readings[role] = { current, baseline };
    };
    add('packets', recentPackets);
    add('bytes', recentBytes);
    const { kind } = classify(excursion.shape, excursion.direction, readings);
    const baselines = same
      ? open.baselines
      : Object.fromEntries(Object.entries(readings).map(([r, v]) => [r, v.baseline]));
    open = { startedAt: excursion.startedAt, kind, baselines };
    return kind;
  };
  const detector = new ForecastDetector(
    { ...watcherDetectorOptions(STEP, TRAIN_SECONDS), confidence: CONFIDENCE, withhold },
    classifier,
  );
  const spec = { stepSeconds: STEP, model: 'auto', confidence: CONFIDENCE };
  let fitted = false;
  /** The fit asked for and not installed yet (the watcher's refitQueued): its model, or its error. */
  let pending = null;
  const timeline = [];
  const traced = (t) => seed === TRACE && t >= TRACE_FROM && t < TRACE_TO;
  const requestFit = (t, installAt) => {
    const window = detector.trainingWindow();
    try {
      pending = { installAt, model: fit(window, fitted ? spec : { ...spec, orderSearchFits: FIT_SEARCH_FIRST }) };
    } catch (error) {
      pending = { installAt, error };
    }
    fitted = true;
    if (traced(t)) {
      console.log(
        `${withhold}\t${t}\tfit asked on ${window.length} points, ${window.filter((x) => x === null).length} gaps, last ${window
          .slice(-8)
          .map((x) => (x === null ? '-' : x.toFixed(0)))
          .join(' ')}`,
      );
    }
  };
  const installDue = (i) => {
    if (pending === null || i < pending.installAt) return;
    if (pending.error) detector.fitFailed();
    else detector.install(pending.model);
    pending = null;
  };
  for (let t = -BACKFILL_SECONDS, i = 0; t < SCENARIO_SECONDS; t += STEP, i += 1) {
    const packets = rate(samples, 'packets', t);
    const bytes = rate(samples, 'bytes', t);
    recentPackets.push(packets);
    recentBytes.push(bytes);
    installDue(i);
    // Warm: fitted synchronously whenever it asks, from the middle of the backfill on.
    if (START === 'warm' && detector.wantsModel()) {
      requestFit(t, i);
      installDue(i);
    }
    const v = detector.update(1_800_000_000 + t, packets);
    if (v.kind === null) open = null;
    // Live: the backfill feeds the window with no fit; from its last point on, a fit is asked for
    // after each update that wants one, and arrives FIT_DELAY steps later.
    if (START === 'live' && t >= -STEP && pending === null && detector.wantsModel()) requestFit(t, i + FIT_DELAY);
    if (t >= 0)
      timeline.push({
        s: t,
        value: packets,
        forecast: v.forecast,
        anomaly: v.anomaly,
        kind: v.kind,
        model: detector.currentModel()?.name,
      });
    if (seed === TRACE && t >= TRACE_FROM && t < TRACE_TO) {
      const f = (x) => (x === null || x === undefined ? '-' : x.toFixed(0));
      console.log(
        `${withhold}\t${t}\t${f(packets)}\t${f(v.forecast)}\t${f(v.lower)}\t${f(v.upper)}\t${f(v.residual)}\t${v.score.toFixed(3)}\t${v.anomaly}\t${v.kind ?? ''}\t${detector.currentModel()?.name ?? ''}`,
      );
    }
  }
  return timeline;
}

/** Per event, as the live bench scores it (5 s points here, so shares are of points, not seconds). */
function scoreEvent(timeline, event, next) {
  const end = event.stays ? next : event.start + event.seconds;
  const during = timeline.filter((p) => p.s >= event.start && p.s < end);
  const on = (p) => p.anomaly === event.sign;
  const detected = during.find(on);
  const result = {
    delay: detected ? detected.s - event.start : null,
    share: during.filter(on).length / during.length,
    held: detected ? during.filter((p) => p.s >= detected.s).every(on) : false,
  };
  if (event.stays) {
    result.flaggedSeconds = during.filter((p) => p.anomaly !== 0).length * STEP;
    return result;
  }
  // An excursion open at some point during the event, and whether it was named an attack.
  result.opened = during.some((p) => p.kind !== null);
  result.named = during.some((p) => p.kind === 'attack_suspected');
  const after = timeline.filter((p) => p.s >= end && p.s < next);
  let last = null;
  for (const p of after) if (p.anomaly !== 0) last = p.s;
  result.after = last === null ? 0 : last - end + STEP;
  // Past the rate window that spreads the event's end: what is flagged there is not the event.
  result.late = after.filter((p) => p.s >= end + RATE_WINDOW && p.anomaly !== 0).length * STEP;
  // Its end read as an excursion the other way (a drop after a flood), not a point's band breach.
  result.dropAfter = after.some((p) => p.anomaly === -event.sign && p.kind !== null);
  result.excursionLate = after.filter((p) => p.s >= end + RATE_WINDOW && p.kind !== null).length * STEP;
  return result;
}

function score(timeline) {
  const events = EVENTS.map((e, i) => scoreEvent(timeline, e, EVENTS[i + 1]?.start ?? SCENARIO_SECONDS));
  const quiet = timeline.filter(
    (p) => !EVENTS.some((e) => p.s >= e.start && p.s < e.start + e.seconds + RATE_WINDOW) && p.s < 390,
  );
  return { events, quietFlagged: quiet.filter((p) => p.anomaly !== 0).length * STEP, quiet: quiet.length * STEP };
}

const pct = (x) => `${Math.round(100 * x)}%`;
const totals = Object.fromEntries(SETTINGS.map((s) => [s, []]));
for (let seed = FROM; seed < FROM + SEEDS; seed++) {
  for (const setting of SETTINGS) {
    const r = score(run(seed, setting));
    totals[setting].push(r);
    const [spike, drop, shift, flood] = r.events;
    console.log(
      `seed ${String(seed).padStart(2)} ${setting.padEnd(10)} flood: ${flood.named ? 'named' : flood.opened ? 'open ' : 'none '}, delay ${String(flood.delay).padStart(4)} s, ${pct(flood.share).padStart(4)} flagged, held ${flood.held ? 'yes' : 'no '}, after ${String(flood.after).padStart(3)} s (${String(flood.late).padStart(3)} s past the rate window)${flood.dropAfter ? ' (drop)' : ''}` +
        ` | spike ${pct(spike.share)} after ${spike.after} s | drop ${pct(drop.share)} after ${drop.after} s | shift ${shift.flaggedSeconds} s | quiet ${r.quietFlagged}/${r.quiet} s`,
    );
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const setting of SETTINGS) {
  const rs = totals[setting];
  const flood = rs.map((r) => r.events[3]);
  console.log(
    `${setting}: flood opened an excursion ${flood.filter((f) => f.opened).length}/${rs.length}, named ${flood.filter((f) => f.named).length}/${rs.length}, flagged median ${pct(median(flood.map((f) => f.share)))} (min ${pct(Math.min(...flood.map((f) => f.share)))}), held ${flood.filter((f) => f.held).length}/${rs.length},` +
      ` after median ${median(flood.map((f) => f.after))} s (max ${Math.max(...flood.map((f) => f.after))}), past the rate window median ${median(flood.map((f) => f.late))} s (max ${Math.max(...flood.map((f) => f.late))}; in an excursion ${median(flood.map((f) => f.excursionLate))} s, max ${Math.max(...flood.map((f) => f.excursionLate))}), end read as a drop ${flood.filter((f) => f.dropAfter).length}/${rs.length};` +
      ` spike flagged median ${pct(median(rs.map((r) => r.events[0].share)))}, drop flagged median ${pct(median(rs.map((r) => r.events[1].share)))},` +
      ` shift flagged median ${median(rs.map((r) => r.events[2].flaggedSeconds))} s; quiet flagged median ${median(rs.map((r) => r.quietFlagged))} s`,
  );
}
