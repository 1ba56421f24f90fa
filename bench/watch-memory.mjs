#!/usr/bin/env node
/**
 * Memory per watched series (issue 18), without Prometheus: N series are admitted into a real
 * Watcher (the production detector factory, the real fit of the forecast engine, run in-thread),
 * every detector is filled to its steady state (more points than its longest window, a model
 * installed) and the heap (V8's used heap plus external memory: typed arrays) is measured
 * before and after. The live capacity bench (watch.mjs)
 * measures RSS after a short warm-up, when the detectors' windows are not yet full; this one
 * measures what a series costs after hours.
 *
 * Usage: node bench/watch-memory.mjs [--series N] [--points P] [--skip-build] [--sidecar-dist DIR] [--label NAME]
 *                                    [--heap-snapshot PREFIX] [--results FILE] [--no-heap-flags]
 * The sidecar's own V8 heap settings (heap-flags.js of the build measured, as server.js applies them at start)
 * are applied first, so the figures are the sidecar's; --no-heap-flags measures without them.
 * Writes its row, under --label (default `current`), into bench/results/watch-memory.json (or --results FILE).
 * V8 flags given to node (`node --max-semi-space-size=4 bench/watch-memory.mjs`) and the environment (e.g.
 * MALLOC_ARENA_MAX) reach the measuring process, and are recorded in the row.
 * --heap-snapshot writes PREFIX-before.heapsnapshot and PREFIX-after.heapsnapshot (Chrome DevTools'
 * format) around the measurement, to see which objects a series' bytes are.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { ROOT, args, buildSidecar, option } from './cli.mjs';
import { noise } from './series-noise.mjs';

const SERIES = option('--series', 500);
const LABEL = (() => {
  const i = args.indexOf('--label');
  return i >= 0 && args[i + 1] ? args[i + 1] : 'current';
})();
const STEP = 15;
const TRAIN_POINTS = 240;
/** Past the detector's longest window (1,000 surprise statistics), so every ring is full. */
const POINTS = option('--points', 1200);

if (typeof globalThis.gc !== 'function') {
  // Re-run with --expose-gc so the heap can be measured after a full collection.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...args],
    {
      stdio: 'inherit',
    },
  );
  process.exit(child.status ?? 1);
}

buildSidecar();

const DIST = (() => {
  const i = args.indexOf('--sidecar-dist');
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : path.join(ROOT, 'sidecar/dist');
})();
const dist = (file) => pathToFileURL(path.join(DIST, file)).href;
const { Watcher } = await import(dist('watch/watcher.js'));
const { forecastDetectors } = await import(dist('watch/detectors.js'));
const { RefitQueue } = await import(dist('watch/refit.js'));
const { AnomalyLog } = await import(dist('watch/anomaly-log.js'));
const { fitModel } = await import(dist('forecast/fit.js'));
const { restoreModel } = await import(dist('forecast/model.js'));
// The watchers' own restore; a build from before it (the baseline) restored the snapshot as it came.
const watchedModel = (await import(dist('watch/create.js'))).watchedModel ?? restoreModel;
// As server.js does at start; a build from before heap-flags.js has none to apply.
const heapFlags = args.includes('--no-heap-flags')
  ? []
  : await import(dist('heap-flags.js')).then(
      ({ HEAP_FLAGS, applyHeapFlags }) => {
        applyHeapFlags();
        return [...HEAP_FLAGS];
      },
      (error) => {
        if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
        return [];
      },
    );

/**
 * Resident bytes of the process by kind of mapping (Linux): `[heap]` is glibc's main arena (small
 * allocations, e.g. typed arrays' backing stores under the mmap threshold); everything else anonymous
 * is V8's heap pages, large (mmap'd) allocations and other threads' malloc arenas. Zero elsewhere.
 */
function residentByMapping() {
  let brk = 0;
  let anonymous = 0;
  let v8Pages = 0;
  let threadArenas = 0;
  try {
    const mappings = [];
    let current = null;
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (header) {
        current = { start: parseInt(header[1], 16), end: parseInt(header[2], 16), perms: header[3], name: header[4] };
        current.rss = 0;
        current.anonymous = 0;
        mappings.push(current);
      } else if (current && line.startsWith('Rss:')) current.rss = 1024 * Number(line.split(/\s+/)[1]);
      else if (current && line.startsWith('Anonymous:')) current.anonymous = 1024 * Number(line.split(/\s+/)[1]);
    }
    const ARENA = 64 * 2 ** 20;
    for (const [i, m] of mappings.entries()) {
      anonymous += m.anonymous;
      if (m.name === '[heap]') brk += m.rss;
      else if (m.name !== '' || m.anonymous === 0) continue;
      // glibc's thread arenas are 64 MB reservations on a 64 MB boundary, read-write up to what is in use.
      else if (m.start % ARENA === 0 && (mappings[i + 1]?.end ?? m.end) - m.start <= ARENA && m.perms.startsWith('rw'))
        threadArenas += m.anonymous;
      // V8's pages are 256 KB chunks on a 256 KB boundary (a large object's chunk is larger, on the same boundary).
      else if (m.start % 2 ** 18 === 0 && m.perms.startsWith('rw')) v8Pages += m.anonymous;
    }
  } catch {
    // Not Linux: the fields stay 0.
  }
  return { brk, anonymous, v8Pages, threadArenas, ...rssByKind() };
}

/** The kernel's own split of RSS (Linux): anonymous, file-backed and shared-memory pages. */
function rssByKind() {
  const kinds = { rssAnon: 0, rssFile: 0, rssShmem: 0 };
  try {
    for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
      const [name, kb] = line.split(/:\s+/);
      const key = { RssAnon: 'rssAnon', RssFile: 'rssFile', RssShmem: 'rssShmem' }[name];
      if (key) kinds[key] = 1024 * parseInt(kb, 10);
    }
  } catch {
    // Not Linux.
  }
  return kinds;
}

/** Each V8 space's used, committed and physically resident bytes. */
function spaces() {
  const out = {};
  for (const s of v8.getHeapSpaceStatistics()) {
    out[s.space_name] = { used: s.space_used_size, committed: s.space_size, physical: s.physical_space_size };
  }
  return out;
}

/** How long V8's background threads get to unmap the pages a collection emptied before RSS is read. */
const SETTLE_MS = 3000;

async function heap() {
  globalThis.gc();
  globalThis.gc();
  // RSS read at once still counts the pages the collection emptied (a compacting one empties many): V8
  // releases them from a background thread (at 100,000 series 6 KB a series of RSS were still mapped).
  const rssAtOnce = process.memoryUsage().rss;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const h = v8.getHeapStatistics();
  const m = process.memoryUsage();
  return {
    used: h.used_heap_size,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    rss: m.rss,
    rssAtOnce,
    physical: h.total_physical_size,
    spaces: spaces(),
    ...residentByMapping(),
  };
}

const spec = {
  name: 'memory',
  expr: 'ntma_bench_traffic',
  stepSeconds: STEP,
  trainSeconds: TRAIN_POINTS * STEP,
  confidence: 0.99,
  role: 'other',
  maxSeries: SERIES * 2,
  signals: {},
};
/**
 * One real fit, then every series gets its own model restored from that fit's snapshot, as the
 * watchers restore each model the worker pool sends: the same objects a real fit leaves on the
 * main thread, without minutes of fitting (the fit's cost is the capacity bench's business).
 */
let snapshot;
const refits = new RefitQueue(
  async (values, fitSpec) => {
    snapshot ??= fitModel(values, fitSpec).snapshot();
    return watchedModel(snapshot);
  },
  { maxInFlight: 1 },
);
const start = 1_800_000_000;
const labels = (i) => ({ __name__: 'ntma_bench_traffic', series: String(i), job: 'bench', instance: '127.0.0.1:9' });
const value = (i, slot) => 100 * (1 + (i % 100)) * (1 + 0.05 * noise(i, slot));
const answer = (slot) => Array.from({ length: SERIES }, (_, i) => ({ labels: labels(i), value: value(i, slot) }));

let slot = 0;
const source = {
  query: async () => answer(slot),
  queryRange: async () => ({ series: [] }),
};
const events = { queryError() {}, capHit() {}, signalCapHit() {}, refit() {} };

// The forecast engine's WASM memory is a fixed cost (in production it lives in the fit worker):
// grow it before the first measurement so it is not counted per series.
fitModel(
  Array.from({ length: TRAIN_POINTS }, (_, k) => value(0, k)),
  { stepSeconds: STEP, model: 'auto', confidence: 0.99 },
);
const SNAPSHOT = (() => {
  const i = args.indexOf('--heap-snapshot');
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : null;
})();
const before = await heap();
if (SNAPSHOT) v8.writeHeapSnapshot(`${SNAPSHOT}-before.heapsnapshot`);
const watcher = new Watcher(spec, source, forecastDetectors, refits, new AnomalyLog(1000), events);
const began = Date.now();
const loadAtStart = os.loadavg().map((x) => Math.round(x * 10) / 10);
for (slot = 0; slot < POINTS; slot++) {
  await watcher.step(start + slot * STEP);
  // Let every queued fit run (in this thread) before the next step, so each series has a model.
  while (refits.queued > 0 || refits.inFlight > 0) await nextTurn();
}
const seconds = (Date.now() - began) / 1000;
// What the process held with the garbage of its last steps, before the collection the figures are taken after.
const rssUncollectedMB = Math.round(process.memoryUsage().rss / 2 ** 20);
const after = await heap();
if (SNAPSHOT) v8.writeHeapSnapshot(`${SNAPSHOT}-after.heapsnapshot`);
const state = watcher.state();
const perSeries = (key) => Math.round((after[key] - before[key]) / SERIES);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cores: os.cpus().length,
  series: SERIES,
  points: POINTS,
  stepSeconds: STEP,
  trainPoints: TRAIN_POINTS,
  modelled: state.present,
  seconds: Math.round(seconds),
  // The process' CPU over the whole run (both threads of work: the steps and the in-thread fits, and GC).
  cpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e6),
  bytesPerSeries: {
    heap: perSeries('used'),
    external: perSeries('external'),
    total: perSeries('used') + perSeries('external'),
    rss: perSeries('rss'),
    // RSS read right after the collection, before V8 has unmapped the pages it emptied (the figure before this field).
    rssAtOnce: perSeries('rssAtOnce'),
    // Where RSS went: V8's committed heap (used or not), and resident bytes of glibc's main heap
    // (brk) against all anonymous memory.
    heapCommitted: perSeries('heapTotal'),
    arrayBuffers: perSeries('arrayBuffers'),
    mallocHeapRss: perSeries('brk'),
    anonymousRss: perSeries('anonymous'),
    // V8's resident pages, and glibc's thread arenas (V8's helper threads' mallocs), from the mappings.
    heapPhysical: perSeries('physical'),
    v8PagesRss: perSeries('v8Pages'),
    threadArenasRss: perSeries('threadArenas'),
    // The kernel's counters behind RSS (/proc/self/status).
    rssAnon: perSeries('rssAnon'),
    rssFile: perSeries('rssFile'),
    rssShmem: perSeries('rssShmem'),
  },
  // Per V8 space, bytes a series: used / committed / resident.
  spacesPerSeries: Object.fromEntries(
    Object.keys(after.spaces).map((name) => {
      const delta = (key) => Math.round((after.spaces[name][key] - (before.spaces[name]?.[key] ?? 0)) / SERIES);
      return [name, { used: delta('used'), committed: delta('committed'), physical: delta('physical') }];
    }),
  ),
  nodeFlags: process.execArgv.filter((a) => a !== '--expose-gc'),
  heapFlags,
  mallocEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_'))),
  rssEndMB: Math.round(after.rss / 2 ** 20),
  rssUncollectedMB,
  rssPeakMB: Math.round(process.resourceUsage().maxRSS / 1024),
  loadAverageStart: loadAtStart,
  loadAverageEnd: os.loadavg().map((x) => Math.round(x * 10) / 10),
};
console.log(JSON.stringify(result, null, 2));
// Rows are kept side by side under --label (e.g. a baseline build measured with --sidecar-dist).
const out = (() => {
  const i = args.indexOf('--results');
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : path.join(ROOT, 'bench/results/watch-memory.json');
})();
let rows = {};
try {
  rows = JSON.parse(readFileSync(out, 'utf8')).rows ?? {};
} catch {
  // First row.
}
rows[LABEL] = result;
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ rows }, null, 2)}\n`);
