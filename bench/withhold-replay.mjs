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
 * What it does not reproduce: the watcher's fits run in a worker and arrive a step or more late
 * (their missed points replayed), and the live scrape and query timing jitter. So its figures are
 * close to, not the same as, the live bench's; the live bench stays the judge.
 *
 * Per seed and setting: the flood's detection delay, share flagged on its side, whether the flag
 * held to its end, seconds flagged after it (and whether its end read as a drop); the same for the
 * spike and drop; the level shift's flagged seconds; quiet seconds flagged. Writes nothing.
 * Usage: node bench/withhold-replay.mjs [--skip-build] [--seeds N] [--from S] [--settings attacks,excursions]
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
const SETTINGS = (args.includes('--settings') ? args[args.indexOf('--settings') + 1] : 'attacks,excursions').split(',');

buildSidecar();
const { ForecastDetector } = await loadSidecar('detect/forecast-detector.js');
const { watcherDetectorOptions } = await loadSidecar('watch/detectors.js');
const { FIRST_FIT_SEARCH_FITS } = await loadSidecar('watch/watcher.js');
const { classify } = await loadSidecar('watch/classify.js');
const { RecentValues } = await loadSidecar('watch/signals.js');
const { fit } = await loadSidecar('forecast/fit.js');

const CONFIDENCE = 0.99;
/** The watcher's backfill: its training window before the origin (the live bench starts once both sidecars band). */
const BACKFILL_SECONDS = TRAIN_SECONDS + 60;

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
  const timeline = [];
  for (let t = -BACKFILL_SECONDS; t < SCENARIO_SECONDS; t += STEP) {
    const packets = rate(samples, 'packets', t);
    const bytes = rate(samples, 'bytes', t);
    recentPackets.push(packets);
    recentBytes.push(bytes);
    if (detector.wantsModel()) {
      try {
        const window = detector.trainingWindow();
        detector.install(fit(window, fitted ? spec : { ...spec, orderSearchFits: FIRST_FIT_SEARCH_FITS }));
        fitted = true;
        if (seed === TRACE && t >= TRACE_FROM && t < TRACE_TO) {
          console.log(
            `${withhold}\t${t}\tfit on ${window.length} points, ${window.filter((x) => x === null).length} gaps, last ${window
              .slice(-8)
              .map((x) => (x === null ? '-' : x.toFixed(0)))
              .join(' ')}`,
          );
        }
      } catch {
        detector.fitFailed();
      }
    }
    const v = detector.update(1_800_000_000 + t, packets);
    if (v.kind === null) open = null;
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
  const after = timeline.filter((p) => p.s >= end && p.s < next);
  let last = null;
  for (const p of after) if (p.anomaly !== 0) last = p.s;
  result.after = last === null ? 0 : last - end + STEP;
  result.dropAfter = after.some((p) => p.anomaly === -event.sign);
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
      `seed ${String(seed).padStart(2)} ${setting.padEnd(10)} flood: delay ${String(flood.delay).padStart(4)} s, ${pct(flood.share).padStart(4)} flagged, held ${flood.held ? 'yes' : 'no '}, after ${String(flood.after).padStart(3)} s${flood.dropAfter ? ' (drop)' : ''}` +
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
    `${setting}: flood flagged median ${pct(median(flood.map((f) => f.share)))} (min ${pct(Math.min(...flood.map((f) => f.share)))}), held ${flood.filter((f) => f.held).length}/${rs.length},` +
      ` after median ${median(flood.map((f) => f.after))} s (max ${Math.max(...flood.map((f) => f.after))}), end read as a drop ${flood.filter((f) => f.dropAfter).length}/${rs.length};` +
      ` spike flagged median ${pct(median(rs.map((r) => r.events[0].share)))}, drop flagged median ${pct(median(rs.map((r) => r.events[1].share)))},` +
      ` shift flagged median ${median(rs.map((r) => r.events[2].flaggedSeconds))} s; quiet flagged median ${median(rs.map((r) => r.quietFlagged))} s`,
  );
}
