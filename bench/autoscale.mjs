#!/usr/bin/env node
/**
 * Autoscaling benchmark (issue 15). A simulated day against a service model, four policies side by
 * side in one process, all fed the same traffic:
 * - NTMA predictive: the sidecar's own code, built: the watchers' ForecastDetector (fits with the
 *   real forecast engine, withholding of excursion points, the attack classifier on requests and
 *   distinct sources) read through its outlook, and scale/predictive.ts `decide`;
 * - HPA-like: Kubernetes' target tracking (15 s sync, desired = ceil(metric / (C x utilisation)),
 *   10% tolerance, scale-up at once up to max(100%, +4) per sync, 5-minute scale-down
 *   stabilisation on the highest recommendation, no action on missing metrics);
 * - today's alert-driven policy: scale/policy.ts `decide` on alerts drawn from the same detector's
 *   verdicts (above band for 2 minutes: out; below for 2 minutes: in; attack_suspected: out, capped;
 *   a NoData alert during the outage), re-sent every minute while firing, each with the value the
 *   shipped rules send (the share of the minute outside the band, 1 or -1 here, and 1 for an attack),
 *   with the watcher's value now, its band's upper bound and its highest over the last 5 minutes as
 *   the load; and, every sync, `returnFloodReplicas` as the sidecar's periodic evaluation runs it;
 * - a fixed fleet sized for the day's legitimate peak at the target utilisation.
 *
 * Service model: each ready replica serves C requests/s; a new replica serves after START seconds;
 * above capacity, requests queue (latency = base + backlog / capacity). Traffic: 3 days of history
 * (diurnal, noise) for the models to learn from, then the measured day with an organic flash crowd
 * (x4 in 5 minutes, sources in proportion), a flood from 5 sources, and a 20-minute outage of the
 * metric (the service still gets traffic; nobody sees it). Seeded: the same seed gives the same table.
 *
 * Replica-hours and overload minutes are also reported per phase of the day (each event with the
 * hour after it, and the diurnal rest), beside what a policy with perfect knowledge would need.
 *
 * Usage: node bench/autoscale.mjs [--skip-build] [--seeds=1..10 | --seeds=1,7,42 | --seed=N]
 *        [--start=SECONDS] [--attack-max=N] [--trace=FILE] [--out=FILE]
 * Runs the day once per seed (default 1..10), prints each day's table, then one line per seed and the
 * mean over the seeds, and whether the goal held on each. A run of the default seeds writes
 * bench/results/autoscale.json (per seed and aggregate); a run of chosen seeds writes only to --out=FILE, so a
 * trial cannot replace the committed ten-seed file with fewer seeds. --trace (one seed) writes one CSV row per watcher step (the value, the forecast the
 * predictive policy saw, each policy's replicas); AUTOSCALE_DEBUG=1 logs each refit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { ROOT, buildSidecar, loadSidecar } from './cli.mjs';

/** The text after `--name=` on the command line (this bench's options take that form), or undefined. */
const textArg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const arg = (name, fallback) => {
  const found = textArg(name);
  return found !== undefined ? Number(found) : fallback;
};
buildSidecar();
const { ForecastDetector } = await loadSidecar('detect/forecast-detector.js');
const { watcherDetectorOptions } = await loadSidecar('watch/detectors.js');
const { mulberry32 } = await loadSidecar('seeded-random.js');
const { fitModel } = await loadSidecar('forecast/fit.js');
const { classify } = await loadSidecar('watch/classify.js');
const { decide: decidePredictive } = await loadSidecar('scale/predictive.js');
const { DemandHistory } = await loadSidecar('scale/demand-history.js');
const { BIAS_ERRORS, forecastBias } = await loadSidecar('scale/forecast-bias.js');
const { decide: decideAlert, referenceAfter, returnFloodReplicas } = await loadSidecar('scale/policy.js');

// ---- scenario -------------------------------------------------------------------------------
/**
 * Seeds: `--seeds=1..10` (default) or `--seeds=1,7,42`, or one `--seed=N`. Each seed is a different
 * day of noise (and so different refits and excursions); the goal must hold on every one of them.
 */
function parseSeeds() {
  const one = textArg('seed');
  if (one !== undefined) return [Number(one)];
  const raw = textArg('seeds') ?? '1..10';
  const range = /^(\d+)\.\.(\d+)$/.exec(raw);
  const seeds = range
    ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, k) => Number(range[1]) + k)
    : raw.split(',').map(Number);
  if (seeds.length === 0 || seeds.some((n) => !Number.isInteger(n) || n < 0)) {
    console.error(`--seeds: expected A..B or a comma-separated list of integers, got "${raw}"`);
    process.exit(2);
  }
  return seeds;
}
const SEEDS = parseSeeds();
const TICK = 15; // seconds: the policies' sync period and the service model's resolution
const STEP = 60; // seconds: the watcher's step (one detector point per minute)
const HISTORY_DAYS = 3;
/** The watcher's band: sensitivity `high`, as the demo's request-rate watcher (demo/watchers.native.yml). */
const CONFIDENCE = arg('confidence', 0.95);
const DAY = 86_400;
const C = 100; // requests/s one replica serves
const UTILISATION = 0.7;
/**
 * The predictive policy plans the forecast's upper bound at the target utilisation, HPA-like the
 * current value: the same number buys it more headroom. A second predictive row plans at this
 * utilisation, to compare the two at (about) equal replica-hours.
 */
const ISO_UTILISATION = arg('iso-utilisation', 0.8);
const START = arg('start', 120); // seconds before a new replica serves
const BASE_LATENCY_MS = 20;
const LIMITS = { min: 2, max: 40, step: 10, cooldownSeconds: 60 };
/** The attack cap (`--attack-max=N`): above the fleet's count at 14:00, a trace shows every attack-driven step. */
const ATTACK_MAX = arg('attack-max', 16);
const REQUESTS_PER_USER = 2; // organic sources each send about this many requests/s
const EVENTS = {
  flash: { start: 10 * 3600, ramp: 300, hold: 1200, decay: 600, factor: 4 },
  flood: { start: 14 * 3600, duration: 600, rate: 3000, sources: 5 },
  outage: { start: 19 * 3600, duration: 1200 },
};

/**
 * The day in phases, so a difference in replica-hours can be traced to where it arises: each event
 * with the hour after it (its aftermath: scale-in after a surge, a model refitted after a flood),
 * and the ordinary diurnal traffic everywhere else.
 */
const AFTERMATH = 3600;
const PHASES = [
  {
    key: 'flash',
    label: 'flash crowd +1h',
    event: EVENTS.flash,
    end: EVENTS.flash.start + EVENTS.flash.ramp + EVENTS.flash.hold + EVENTS.flash.decay + AFTERMATH,
  },
  {
    key: 'flood',
    label: 'flood +1h',
    event: EVENTS.flood,
    end: EVENTS.flood.start + EVENTS.flood.duration + AFTERMATH,
  },
  {
    key: 'outage',
    label: 'outage +1h',
    event: EVENTS.outage,
    end: EVENTS.outage.start + EVENTS.outage.duration + AFTERMATH,
  },
  { key: 'diurnal', label: 'diurnal (rest)' },
];
function phaseOf(d) {
  for (const p of PHASES) if (p.event && d >= p.event.start && d < p.end) return p.key;
  return 'diurnal';
}

/** Reseeded at the start of each day (runDay). */
let random = mulberry32(SEEDS[0]);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Organic request rate at second `s` of a day: night 150/s, afternoon peak about 1,000/s. */
function diurnal(s) {
  const phase = ((s % DAY) / DAY) * 2 * Math.PI;
  return 150 + 850 * Math.pow(0.5 - 0.5 * Math.cos(phase - Math.PI / 3), 1.5);
}

function flashFactor(s) {
  const f = EVENTS.flash;
  const x = s - f.start;
  if (x < 0) return 1;
  if (x < f.ramp) return 1 + ((f.factor - 1) * x) / f.ramp;
  if (x < f.ramp + f.hold) return f.factor;
  if (x < f.ramp + f.hold + f.decay) return f.factor - ((f.factor - 1) * (x - f.ramp - f.hold)) / f.decay;
  return 1;
}

/** Per tick of the measured day (and of history, without events): legit and flood rates and sources. */
function traffic(s, measured) {
  const noise = 1 + 0.03 * gaussian();
  const legit = Math.max(0, diurnal(s) * (measured ? flashFactor(s) : 1) * noise);
  const inFlood = measured && s >= EVENTS.flood.start && s < EVENTS.flood.start + EVENTS.flood.duration;
  const flood = inFlood ? EVENTS.flood.rate * (1 + 0.05 * gaussian()) : 0;
  const sources = legit / REQUESTS_PER_USER + (inFlood ? EVENTS.flood.sources : 0);
  const outage = measured && s >= EVENTS.outage.start && s < EVENTS.outage.start + EVENTS.outage.duration;
  return { legit, flood, total: legit + flood, sources, outage };
}

// ---- the watcher's view: one point per minute, the attack classifier on requests and sources ----
class WatchedSeries {
  constructor() {
    const options = watcherDetectorOptions(STEP, HISTORY_DAYS * DAY);
    this.recent = { requests: [], sources: [] };
    this.open = null; // { startedAt, baselines, attack }
    this.detector = new ForecastDetector({ ...options, confidence: CONFIDENCE }, (excursion) =>
      this.classify(excursion),
    );
    this.verdict = null;
    this.fits = 0;
    this.fitMs = 0;
  }

  median(values) {
    const present = values.filter((v) => v !== null).sort((a, b) => a - b);
    return present.length < 3 ? null : present[present.length >> 1];
  }

  classify(excursion) {
    if (!this.open || this.open.startedAt !== excursion.startedAt) {
      // Baselines frozen when the excursion opens: the 30 steps before it, as the watcher keeps them.
      const base = (role) => this.median(this.recent[role].slice(-32, -2));
      this.open = {
        startedAt: excursion.startedAt,
        baselines: { requests: base('requests'), sources: base('sources') },
        attack: false,
      };
    }
    if (this.open.attack) return 'attack_suspected';
    const readings = {};
    for (const role of ['requests', 'sources']) {
      const current = this.recent[role][this.recent[role].length - 1];
      const baseline = this.open.baselines[role];
      if (current !== null && current !== undefined && baseline !== null) readings[role] = { current, baseline };
    }
    const result = classify(excursion.shape, excursion.direction, readings);
    if (result.kind === 'attack_suspected') this.open.attack = true;
    return result.kind;
  }

  step(t, requests, sources) {
    this.recent.requests.push(requests);
    this.recent.sources.push(sources);
    for (const role of ['requests', 'sources']) if (this.recent[role].length > 40) this.recent[role].shift();
    if (this.detector.wantsModel()) {
      const began = performance.now();
      this.detector.install(
        fitModel(this.detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: CONFIDENCE }),
      );
      this.fitMs += performance.now() - began;
      this.fits += 1;
      if (process.env.AUTOSCALE_DEBUG)
        console.log(`fit at ${((t % DAY) / 3600).toFixed(2)} h: ${this.detector.currentModel()?.name}`);
    }
    this.verdict = this.detector.update(t, requests);
    if (this.verdict.kind === null && this.verdict.value !== null) this.open = null;
  }
}

// ---- the service model: replicas, start time, queue ---------------------------------------------
class Fleet {
  constructor(name, replicas) {
    this.name = name;
    this.starting = []; // times (s) at which starting replicas become ready
    this.ready = replicas;
    this.backlog = 0;
    this.actions = 0;
    this.timeline = [];
    this.stats = { overloadTicks: 0, overloadTicksAll: 0, replicaSeconds: 0, latencyMs: [], episodes: [] };
    /** Replica-seconds and overload ticks per phase of the day (see PHASES). */
    this.phases = Object.fromEntries(PHASES.map((p) => [p.key, { replicaSeconds: 0, overloadTicks: 0 }]));
  }
  get desired() {
    return this.ready + this.starting.length;
  }
  set(t, replicas, why) {
    const now = this.desired;
    if (replicas === now) return;
    this.actions += 1;
    this.timeline.push({ t, from: now, to: replicas, why });
    if (replicas > now) for (let i = now; i < replicas; i++) this.starting.push(t + START);
    else {
      let remove = now - replicas;
      // The newest (not yet serving) go first, as Compose scale-in stops the newest replicas.
      while (remove > 0 && this.starting.length > 0) {
        this.starting.pop();
        remove--;
      }
      this.ready -= remove;
    }
  }
  serve(t, load, phase) {
    while (this.starting.length > 0 && this.starting[0] <= t) {
      this.starting.shift();
      this.ready += 1;
    }
    const capacity = this.ready * C;
    this.stats.replicaSeconds += this.desired * TICK;
    this.phases[phase].replicaSeconds += this.desired * TICK;
    if (load.legit > capacity) {
      this.stats.overloadTicks += 1;
      this.phases[phase].overloadTicks += 1;
      const last = this.stats.episodes[this.stats.episodes.length - 1];
      if (last && last.end === t - TICK) last.end = t;
      else this.stats.episodes.push({ start: t, end: t });
    }
    if (load.total > capacity) this.stats.overloadTicksAll += 1;
    // Flood requests are assumed dropped by the edge once identified; the queue is legit traffic.
    this.backlog = Math.max(0, this.backlog + (load.legit - capacity) * TICK);
    const utilisation = Math.min(0.99, load.legit / Math.max(capacity, 1e-9));
    const latency = BASE_LATENCY_MS / (1 - utilisation) + (capacity > 0 ? (this.backlog / capacity) * 1000 : 60_000);
    this.stats.latencyMs.push(latency);
  }
}

// ---- policies ------------------------------------------------------------------------------------
const settings = (utilisation = UTILISATION) => ({
  enabled: true,
  limits: { ...LIMITS },
  auto: 'on',
  attackMax: ATTACK_MAX,
  capacity: {
    perReplica: C,
    utilisation,
    leadSeconds: START,
    stabilisationSeconds: 300,
    selector: {},
  },
});

function predictivePolicy(fleet, utilisation) {
  const history = new DemandHistory();
  let lastChange = null;
  return (t, view, series) => {
    const now = t * 1000;
    const outlook = series.detector.outlook(Math.ceil(Math.max(START, 300) / STEP));
    const kind = series.verdict?.kind ?? null;
    const attack = kind === 'attack_suspected';
    // A missing sample is recorded at the time it was missed, so the window shows the hole.
    history.record('target', view.actual === null ? now : view.observedAt, view.actual, attack, {
      predicted: view.actual === null ? null : (series.verdict?.forecast ?? null),
      excursion: kind !== null,
    });
    const demand = {
      source: 'bench',
      stepSeconds: STEP,
      observedAt: view.observedAt,
      actual: view.actual,
      forecast: outlook ? { mean: outlook.mean, upper: outlook.upper } : { mean: [], upper: [] },
      kind,
      attack,
      recentPeak: history.peak('target', now, 300_000, Math.max(3 * STEP * 1000, 2 * TICK * 1000)),
      previous: view.actual === null ? null : history.previous('target', view.observedAt),
      // As the sidecar's scaler reads it: the last BIAS_ERRORS steps' one-step errors.
      forecastBias: forecastBias(history.errors('target', now, (BIAS_ERRORS + 1) * STEP * 1000)),
    };
    const decision = decidePredictive({
      now,
      current: fleet.desired,
      settings: settings(utilisation),
      demand,
      lastChange: { live: lastChange, any: lastChange },
      // The sidecar's rule: three watcher steps (and a second of slack).
      staleAfterMs: 3 * STEP * 1000 + 1000,
      defaultAttackMax: ATTACK_MAX,
      forceDryRun: false,
    });
    if (decision.kind === 'scale') {
      fleet.set(t, decision.to, decision.reason);
      lastChange = now;
    }
  };
}

function hpaPolicy(fleet) {
  const recommendations = []; // [t, desired]
  return (t, view) => {
    // A 60 s rate refreshed every sync, like metrics-server; missing metrics: no action.
    if (view.hpaMetric === null) return;
    const current = fleet.desired;
    const ratio = view.hpaMetric / (current * C * UTILISATION);
    let desired = Math.abs(ratio - 1) <= 0.1 ? current : Math.ceil(current * ratio);
    desired = Math.max(LIMITS.min, Math.min(LIMITS.max, desired));
    recommendations.push([t, desired]);
    while (recommendations.length > 0 && recommendations[0][0] < t - 300) recommendations.shift();
    if (desired > current) {
      fleet.set(t, Math.min(desired, Math.max(current * 2, current + 4)), 'hpa: scale up');
    } else {
      const stabilised = Math.max(...recommendations.map(([, d]) => d));
      if (stabilised < current) fleet.set(t, stabilised, 'hpa: scale down (stabilised)');
    }
  };
}

function alertPolicy(fleet) {
  let above = 0;
  let below = 0;
  let lastChange = null;
  /** The load per replica right after the last change (policy.ts holds scale-ins to it), as the scaler keeps it. */
  let reference = null;
  /** The replicas attack alerts added and not yet given back (the count before the flood), as the scaler keeps it. */
  let flood = null;
  let lastSent = -Infinity;
  const limits = { ...LIMITS, step: 2, cooldownSeconds: 300 };
  /** The watcher's values, newest first, as far back as the stabilisation window (the cooldown). */
  const recent = [];
  const windowSteps = limits.cooldownSeconds / STEP;
  const context = (t, view, series) => ({
    current: fleet.desired,
    settings: { ...settings(), limits, capacity: null },
    lastChange: { live: lastChange, any: lastChange },
    // The watcher's latest value and band, as the scaler reads them for the target.
    load: {
      value: view.actual,
      observedAt: view.actual === null ? null : view.observedAt,
      windowPeak: recent.length === windowSteps && recent.every((v) => v !== null) ? Math.max(...recent) : null,
      windowSeconds: limits.cooldownSeconds,
      upper: view.actual === null ? null : (series.verdict?.upper ?? null),
    },
    reference: { live: reference, any: reference },
    flood: { live: flood, any: flood },
    now: t * 1000,
    staleAfterMs: 300_000,
    defaultAttackMax: ATTACK_MAX,
    forceDryRun: false,
  });
  const apply = (t, decision, why) => {
    if (decision.kind === 'scale') {
      fleet.set(t, decision.to, why);
      lastChange = t * 1000;
      reference = referenceAfter(decision, t * 1000) ?? reference;
    }
    if (decision.flood !== undefined) flood = decision.flood;
  };
  return (t, view, series, minuteBoundary) => {
    if (minuteBoundary) {
      recent.unshift(view.actual);
      recent.length = Math.min(recent.length, windowSteps);
    }
    // The sidecar's periodic evaluation (every sync) looks at the target while a flood's replicas are out.
    if (flood !== null) apply(t, returnFloodReplicas(context(t, view, series)), 'flood over: give back');
    if (!minuteBoundary) return;
    const verdict = series.verdict;
    const alerts = [];
    if (view.actual === null) {
      alerts.push({ direction: 'out', kind: 'outage', attack: false, value: null });
    } else if (verdict && verdict.forecast !== null) {
      above = verdict.anomaly === 1 ? above + 1 : 0;
      below = verdict.anomaly === -1 ? below + 1 : 0;
      // The shipped rules' values: ntma_anomaly_kind_info (1) for an attack, else the share of the last
      // minute outside the band (one watcher step a minute here: its anomaly, 1 or -1).
      if (verdict.kind === 'attack_suspected')
        alerts.push({ direction: 'out', kind: 'attack_suspected', attack: true, value: 1 });
      else if (above >= 2) alerts.push({ direction: 'out', kind: verdict.kind ?? 'spike', attack: false, value: 1 });
      else if (below >= 2) alerts.push({ direction: 'in', kind: 'drop', attack: false, value: -1 });
    }
    if (alerts.length === 0 || t - lastSent < 60) return;
    lastSent = t;
    for (const alert of alerts) {
      const decision = decideAlert(
        { target: 'x', firing: true, observedAt: t * 1000, ...alert },
        context(t, view, series),
      );
      apply(t, decision, `alert ${alert.kind}: ${alert.direction}`);
    }
  };
}

// ---- run ---------------------------------------------------------------------------------------
/** --trace=FILE: one CSV row per watcher step (the forecast each policy saw, the replicas each had); one seed only. */
const tracePath = textArg('trace');
if (tracePath && SEEDS.length > 1) {
  console.error('--trace needs a single --seed=N');
  process.exit(2);
}

/** One measured day with `seed`: every policy's row, what perfect knowledge needs, and the timelines. */
function runDay(seed) {
  random = mulberry32(seed);
  const series = new WatchedSeries();
  const dayStart = HISTORY_DAYS * DAY;
  const ticksPerStep = STEP / TICK;

  // History: the detector learns three ordinary days, one point per minute.
  let minute = { requests: 0, sources: 0, n: 0 };
  for (let s = 0; s < dayStart; s += TICK) {
    const load = traffic(s, false);
    minute.requests += load.total;
    minute.sources += load.sources;
    minute.n += 1;
    if (minute.n === ticksPerStep) {
      series.step(s + TICK, minute.requests / minute.n, minute.sources / minute.n);
      minute = { requests: 0, sources: 0, n: 0 };
    }
  }

  // Sized for the measured day's legitimate peak (flash crowd included) at the target utilisation.
  let legitPeak = 0;
  for (let s = dayStart; s < dayStart + DAY; s += TICK)
    legitPeak = Math.max(legitPeak, diurnal(s) * flashFactor(s - dayStart));
  const startReplicas = Math.max(LIMITS.min, Math.ceil(diurnal(dayStart) / (C * UTILISATION)));
  const fleets = {
    predictive: new Fleet('NTMA predictive', startReplicas),
    // The same policy planning its upper bound at a higher utilisation: the cost HPA-like pays.
    predictiveIso: new Fleet(`NTMA predictive u=${ISO_UTILISATION}`, startReplicas),
    hpa: new Fleet('HPA-like reactive', startReplicas),
    alerts: new Fleet('alert-driven (today)', startReplicas),
    fixed: new Fleet('fixed, sized for peak', Math.ceil((legitPeak * 1.03) / (C * UTILISATION))),
  };
  const policies = {
    predictive: predictivePolicy(fleets.predictive, UTILISATION),
    predictiveIso: predictivePolicy(fleets.predictiveIso, ISO_UTILISATION),
    hpa: hpaPolicy(fleets.hpa),
    alerts: alertPolicy(fleets.alerts),
    fixed: () => undefined,
  };

  /** What a policy with perfect knowledge needs: ceil(legit / (C x utilisation)) at every tick. */
  const need = Object.fromEntries(PHASES.map((p) => [p.key, 0]));
  const trace = [];
  const window60 = [];
  let view = { actual: null, observedAt: null, hpaMetric: null };
  const kinds = [];
  for (let s = dayStart; s < dayStart + DAY; s += TICK) {
    const d = s - dayStart;
    const load = traffic(d, true);
    window60.push(load);
    if (window60.length > ticksPerStep) window60.shift();
    minute.requests += load.total;
    minute.sources += load.sources;
    minute.n += 1;
    const boundary = minute.n === ticksPerStep;
    const t = s + TICK;
    if (boundary) {
      const requests = load.outage ? null : minute.requests / minute.n;
      const sources = load.outage ? null : minute.sources / minute.n;
      series.step(t, requests, sources);
      view = { ...view, actual: requests, observedAt: requests === null ? view.observedAt : t * 1000 };
      if (series.verdict?.kind) kinds.push([d, series.verdict.kind]);
      minute = { requests: 0, sources: 0, n: 0 };
      if (tracePath) {
        const outlook = series.detector.outlook(Math.ceil(300 / STEP));
        const leadSteps = Math.ceil(START / STEP);
        const peak = (values, n) => (values ? Math.max(...values.slice(0, n)) : null);
        trace.push({
          at: new Date(d * 1000).toISOString().slice(11, 16),
          legit: load.legit,
          actual: requests,
          mean1: outlook?.mean[0] ?? null,
          oneStep: series.verdict?.forecast ?? null,
          upper1: series.verdict?.upper ?? null,
          anomaly: series.verdict?.anomaly ?? '',
          upperLead: peak(outlook?.upper, leadSteps),
          upperWindow: peak(outlook?.upper, outlook?.upper.length ?? 0),
          width1: outlook ? outlook.upper[0] - outlook.mean[0] : null,
          widthLead: outlook ? outlook.upper[leadSteps - 1] - outlook.mean[leadSteps - 1] : null,
          model: (series.detector.currentModel()?.name ?? '').replaceAll(',', ' '),
          kind: series.verdict?.kind ?? '',
          ...Object.fromEntries(Object.entries(fleets).map(([k, f]) => [k, f.desired])),
        });
      }
    }
    const phase = phaseOf(d);
    need[phase] += Math.max(LIMITS.min, Math.ceil(load.legit / (C * UTILISATION))) * TICK;
    view.hpaMetric = load.outage ? null : window60.reduce((sum, l) => sum + l.total, 0) / window60.length;
    for (const name of Object.keys(fleets)) {
      policies[name](t, view, series, boundary);
      fleets[name].serve(t, load, phase);
    }
  }

  // ---- report --------------------------------------------------------------------------------------
  const within = (event) => (entry) =>
    entry.t - dayStart >= event.start && entry.t - dayStart < event.start + event.duration;
  function replicasAt(fleet, start) {
    let replicas = fleet.timeline.length > 0 ? fleet.timeline[0].from : fleet.desired;
    for (const step of fleet.timeline) if (step.t - dayStart <= start) replicas = step.to;
    return replicas;
  }
  const rows = Object.entries(fleets).map(([key, fleet]) => {
    const floodSteps = fleet.timeline.filter(within(EVENTS.flood));
    const outageSteps = fleet.timeline.filter(within(EVENTS.outage));
    const floodStart = replicasAt(fleet, EVENTS.flood.start - 1);
    const floodMax = Math.max(floodStart, ...floodSteps.map((x) => x.to));
    const latencies = [...fleet.stats.latencyMs].sort((a, b) => a - b);
    return {
      policy: fleet.name,
      key,
      overloadMinutes: (fleet.stats.overloadTicks * TICK) / 60,
      overloadMinutesAllTraffic: (fleet.stats.overloadTicksAll * TICK) / 60,
      replicaHours: Number((fleet.stats.replicaSeconds / 3600).toFixed(1)),
      actions: fleet.actions,
      flood: {
        replicasAtStart: floodStart,
        maxDuring: floodMax,
        added: floodMax - floodStart,
        // A scale-out during the flood that ends above the cap (a fleet already above it does not count).
        overAttackCap: floodSteps.some((x) => x.to > x.from && x.to > ATTACK_MAX),
      },
      outage: {
        replicasAtStart: replicasAt(fleet, EVENTS.outage.start - 1),
        replicasAtEnd: replicasAt(fleet, EVENTS.outage.start + EVENTS.outage.duration),
        scaleIns: outageSteps.filter((x) => x.to < x.from).length,
        scaleOuts: outageSteps.filter((x) => x.to > x.from).length,
      },
      p99LatencyMs: Math.round(latencies[Math.floor(latencies.length * 0.99)]),
      phases: Object.fromEntries(
        PHASES.map((p) => [
          p.key,
          {
            replicaHours: Number((fleet.phases[p.key].replicaSeconds / 3600).toFixed(1)),
            overloadMinutes: (fleet.phases[p.key].overloadTicks * TICK) / 60,
          },
        ]),
      ),
      overloadEpisodes: fleet.stats.episodes.map((e) => ({
        at: new Date((e.start - TICK - dayStart) * 1000).toISOString().slice(11, 19),
        minutes: (e.end - e.start + TICK) / 60,
      })),
    };
  });

  const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
  const goalsFor = (row) => ({
    fewerOverloadMinutesThanHpa: row.overloadMinutes < byKey.hpa.overloadMinutes,
    noMoreReplicaHoursThanHpa: row.replicaHours <= byKey.hpa.replicaHours,
    noScaleOutPastAttackCap: !row.flood.overAttackCap,
    noScaleInDuringOutage: row.outage.scaleIns === 0,
  });
  const goals = { predictive: goalsFor(byKey.predictive), predictiveIso: goalsFor(byKey.predictiveIso) };
  const met = (g) => Object.values(g).every(Boolean);
  return {
    seed,
    rows,
    goals,
    goalMet: { predictive: met(goals.predictive), predictiveIso: met(goals.predictiveIso) },
    neededReplicaHours: Object.fromEntries(PHASES.map((p) => [p.key, Number((need[p.key] / 3600).toFixed(1))])),
    fixedReplicas: fleets.fixed.desired,
    detector: { fits: series.fits, fitMs: Math.round(series.fitMs), kinds: [...new Set(kinds.map(([, k]) => k))] },
    trace,
    timelines: Object.fromEntries(
      Object.entries(fleets).map(([k, f]) => [
        k,
        f.timeline.map((x) => ({ ...x, at: new Date((x.t - dayStart) * 1000).toISOString().slice(11, 19) })),
      ]),
    ),
  };
}

// ---- report ---------------------------------------------------------------------------------------
const began = performance.now();
const pad = (v, n) => String(v).padEnd(n);
const floodCell = (r) => `+${r.flood.added} (${r.flood.maxDuring})${r.flood.overAttackCap ? ' PAST CAP' : ''}`;
const outageCell = (r) => `${r.outage.replicasAtStart}->${r.outage.replicasAtEnd}, ${r.outage.scaleIns} in`;

/** The full table of one day, and its phases. */
function printDay(day) {
  console.log(
    `\nautoscale bench: seed ${day.seed}, C=${C} req/s per replica, utilisation ${UTILISATION}, start ${START}s, limits ${LIMITS.min}..${LIMITS.max}, attack cap ${ATTACK_MAX}`,
  );
  console.log(
    pad('policy', 24) +
      pad('overload min', 14) +
      pad('(all traffic)', 15) +
      pad('replica-h', 11) +
      pad('actions', 9) +
      pad('flood +replicas (max)', 23) +
      pad('outage (start->end, ins)', 26) +
      'p99 ms',
  );
  for (const r of day.rows) {
    console.log(
      pad(r.policy, 24) +
        pad(r.overloadMinutes.toFixed(2), 14) +
        pad(r.overloadMinutesAllTraffic.toFixed(2), 15) +
        pad(r.replicaHours, 11) +
        pad(r.actions, 9) +
        pad(floodCell(r), 23) +
        pad(outageCell(r), 26) +
        r.p99LatencyMs,
    );
  }
  console.log(
    `per phase: replica-hours (overload minutes); "needed" is ceil(legit / (C x ${UTILISATION})) at every tick`,
  );
  console.log(pad('policy', 24) + PHASES.map((p) => pad(p.label, 20)).join(''));
  console.log(pad('needed', 24) + PHASES.map((p) => pad(day.neededReplicaHours[p.key], 20)).join(''));
  for (const r of day.rows) {
    console.log(
      pad(r.policy, 24) +
        PHASES.map((p) => pad(`${r.phases[p.key].replicaHours} (${r.phases[p.key].overloadMinutes})`, 20)).join(''),
    );
  }
  console.log(`goals: ${JSON.stringify(day.goals)}`);
  console.log(
    `detector: ${day.detector.fits} fits, ${day.detector.fitMs} ms; excursion kinds seen: ${day.detector.kinds.join(', ')}`,
  );
}

const days = [];
for (const seed of SEEDS) {
  const day = runDay(seed);
  days.push(day);
  printDay(day);
}

if (tracePath) {
  const { trace } = days[0];
  const columns = Object.keys(trace[0]);
  const cell = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(1)) : (v ?? ''));
  writeFileSync(
    tracePath,
    [columns.join(','), ...trace.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\n') + '\n',
  );
  console.log(`trace: ${tracePath}`);
}

// Per seed, one line per policy; then the aggregate over the seeds.
const keys = days[0].rows.map((r) => r.key);
const nameOf = Object.fromEntries(days[0].rows.map((r) => [r.key, r.policy]));
const perSeed = days.map((day) => ({
  seed: day.seed,
  goalMet: day.goalMet,
  goals: day.goals,
  policies: Object.fromEntries(
    day.rows.map((r) => [
      r.key,
      {
        overloadMinutes: r.overloadMinutes,
        replicaHours: r.replicaHours,
        actions: r.actions,
        floodAdded: r.flood.added,
        floodMax: r.flood.maxDuring,
        overAttackCap: r.flood.overAttackCap,
        outage: r.outage,
      },
    ]),
  ),
}));
const mean = (values) => Number((values.reduce((a, b) => a + b, 0) / values.length).toFixed(2));
const aggregate = {
  seeds: SEEDS,
  goalMetOn: {
    predictive: days.filter((d) => d.goalMet.predictive).map((d) => d.seed),
    predictiveIso: days.filter((d) => d.goalMet.predictiveIso).map((d) => d.seed),
  },
  policies: Object.fromEntries(
    keys.map((key) => {
      const rows = days.map((d) => d.rows.find((r) => r.key === key));
      return [
        key,
        {
          policy: nameOf[key],
          meanOverloadMinutes: mean(rows.map((r) => r.overloadMinutes)),
          maxOverloadMinutes: Math.max(...rows.map((r) => r.overloadMinutes)),
          meanReplicaHours: mean(rows.map((r) => r.replicaHours)),
          maxReplicaHours: Math.max(...rows.map((r) => r.replicaHours)),
          meanActions: mean(rows.map((r) => r.actions)),
          maxFloodAdded: Math.max(...rows.map((r) => r.flood.added)),
          seedsPastAttackCap: rows.filter((r) => r.flood.overAttackCap).length,
          seedsScalingInDuringOutage: rows.filter((r) => r.outage.scaleIns > 0).length,
        },
      ];
    }),
  ),
};

console.log(`\nper seed: overload min / replica-h / actions / flood +replicas (max) / outage start->end, scale-ins`);
console.log(pad('seed', 6) + keys.map((k) => pad(nameOf[k], 44)).join('') + 'goal (predictive)');
for (const day of days) {
  console.log(
    pad(day.seed, 6) +
      keys
        .map((k) => {
          const r = day.rows.find((x) => x.key === k);
          return pad(
            `${r.overloadMinutes.toFixed(2)} / ${r.replicaHours} / ${r.actions} / ${floodCell(r)} / ${r.outage.scaleIns} in`,
            44,
          );
        })
        .join('') +
      (day.goalMet.predictive
        ? 'met'
        : `MISSED (${Object.entries(day.goals.predictive)
            .filter(([, ok]) => !ok)
            .map(([g]) => g)
            .join(', ')})`),
  );
}
console.log(
  pad('mean', 6) +
    keys
      .map((k) => {
        const a = aggregate.policies[k];
        return pad(`${a.meanOverloadMinutes.toFixed(2)} / ${a.meanReplicaHours} / ${a.meanActions}`, 44);
      })
      .join(''),
);
console.log(
  `goal met on ${aggregate.goalMetOn.predictive.length} of ${SEEDS.length} seeds (predictive), ${aggregate.goalMetOn.predictiveIso.length} of ${SEEDS.length} (u=${ISO_UTILISATION})`,
);

const result = {
  when: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    node: process.version,
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
  },
  seeds: SEEDS,
  scenario: {
    confidence: CONFIDENCE,
    isoUtilisation: ISO_UTILISATION,
    tickSeconds: TICK,
    watcherStepSeconds: STEP,
    historyDays: HISTORY_DAYS,
    capacityPerReplica: C,
    utilisation: UTILISATION,
    startSeconds: START,
    limits: LIMITS,
    attackMax: ATTACK_MAX,
    events: EVENTS,
    fixedReplicas: days[0].fixedReplicas,
    phases: PHASES.map(({ key, label, end }) => ({ key, label, ...(end !== undefined ? { endsAt: end } : {}) })),
  },
  aggregate,
  perSeed,
  // The full rows (phases, overload episodes) and each policy's actions, per seed.
  days: days.map(({ seed, rows, goals, neededReplicaHours, detector, timelines }) => ({
    seed,
    neededReplicaHours,
    rows,
    goals,
    detector,
    timelines,
  })),
  runSeconds: Number(((performance.now() - began) / 1000).toFixed(1)),
};
const chosenSeeds = textArg('seed') !== undefined || textArg('seeds') !== undefined;
const outArg = textArg('out');
const out = outArg ? path.resolve(outArg) : chosenSeeds ? undefined : path.join(ROOT, 'bench/results/autoscale.json');
if (out) {
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} else console.log('results not written: chosen seeds write only to --out=FILE');
