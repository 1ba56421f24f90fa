/**
 * Wires the watch loop from the app's services: the configured Prometheus, the metrics registry,
 * the health metrics, the app's forecast worker pool for refits, and the shared detector.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { NO_DIAGNOSTICS, restoreModel, type ComposedModel, type ModelSnapshot } from '../forecast/model.js';
import { fromWire, type FitPool } from '../forecast/pool.js';
import type { HealthMetrics } from '../metrics/health.js';
import { registerSeriesMetrics } from '../metrics/series-metrics.js';
import type { WatchConfig } from './config.js';
import { forecastDetectorsWithholding } from './detectors.js';
import type { AsyncBatchFit, AsyncFit } from './refit.js';
import { unboxed } from './model-layout.js';
import { WatchService, type WatchLogger } from './service.js';
import type { WatchSource } from './watcher.js';

export interface WatchDependencies {
  registry: Registry;
  prometheus: WatchSource;
  watchers: WatchConfig;
  /** The app's shared pool; its owner (the app) closes it, the watchers never do. */
  fitPool: FitPool;
  health: HealthMetrics;
}

/** Model names, one string each however many series share one ("arima(1,0,1)"); a few dozen distinct. */
const modelNames = new Map<string, string>();

/**
 * A watched series' model, restored from the snapshot the fit worker sent. Its diagnostics (every
 * order tried, every period checked) explain a bands answer; a watcher never reads them, and
 * with one model per series they were a few kilobytes a series. Its arrays are rebuilt unboxed
 * (model-layout.ts), a fresh copy the model then reads in place.
 */
export function watchedModel(snapshot: ModelSnapshot): ComposedModel {
  return restoreModel(leanSnapshot(snapshot), { shared: true });
}

/**
 * The snapshot a watched model reads: every field that changes a forecast, its arrays unboxed, without the
 * diagnostics. Exported for its layout test (model-layout.test.ts).
 */
export function leanSnapshot(snapshot: ModelSnapshot): ModelSnapshot {
  let name = modelNames.get(snapshot.name);
  if (name === undefined) {
    name = snapshot.name;
    if (modelNames.size < 10_000) modelNames.set(name, name);
  }
  // Written out rather than spread: a spread snapshot got a hidden class of its own (300 bytes a series).
  const lean: ModelSnapshot = {
    version: snapshot.version,
    name,
    family: snapshot.family,
    trainedOn: snapshot.trainedOn,
    confidence: snapshot.confidence,
    center: snapshot.center,
    scale: snapshot.scale,
    transform: snapshot.transform ?? 'none',
    rootShift: snapshot.rootShift,
    seasonal: unboxed(snapshot.seasonal),
    remainder: unboxed(snapshot.remainder),
    calibration: unboxed(snapshot.calibration),
    // Always present (undefined when the fit measured none), so every watched snapshot shares one hidden class.
    spread: snapshot.spread ? unboxed(snapshot.spread) : undefined,
    diagnostics: NO_DIAGNOSTICS,
  };
  // A counter's undo (its forecasts are shifted back by its offset, its predictor undoes the resets it meets) and
  // the window's level shifts (they widen the multi-step band the detector's outlook gives the autoscaler) change
  // what the model forecasts, so a snapshot that has them keeps them. Neither reaches a watcher today: its fits
  // ask for neither transform 'auto' (which recognises counters) nor breaks 'auto' (watcher.ts, fitSpec), and a
  // detector's one-step band never reads the breaks. So they are added only when present, not written out as
  // undefined like `spread`: that would be two more slots (16 bytes) in every watched series' snapshot for fields
  // none has. The snapshots without them, every one today, keep the one hidden class; one that has them
  // transitions from it to a class of its own (model-layout.test.ts).
  if (snapshot.counter) lean.counter = unboxed(snapshot.counter);
  if (snapshot.breaks) lean.breaks = unboxed(snapshot.breaks);
  return lean;
}

export function createWatchService(config: Config, deps: WatchDependencies, logger: WatchLogger): WatchService {
  const { health, fitPool } = deps;
  const series = registerSeriesMetrics(deps.registry);
  // The worker sends the fitted model as a snapshot; it is restored here, where the detector runs.
  const fit: AsyncFit = async (values, spec) => watchedModel((await fitPool.fit(values, spec)).snapshot);
  // Batches: the worker already dropped the diagnostics (lean).
  const fitBatch: AsyncBatchFit = async (train, lengths, spec) =>
    (await fitPool.fitBatch(train, lengths, spec, true)).map((item) =>
      item.ok
        ? { model: watchedModel(item.result.snapshot), fitMs: item.result.fitMs }
        : { error: fromWire(item.error) },
    );
  const service = new WatchService({
    config: deps.watchers,
    source: deps.prometheus,
    fit,
    fitBatch,
    refitCores: config.watchRefitMillicores / 1000,
    detectors: forecastDetectorsWithholding(config.watchWithhold),
    health,
    logger,
    // Twice the workers: each has its next job queued; the rest of the shared pool's queue is left
    // to the bands API.
    maxFitsInFlight: 2 * config.fitWorkers,
    release: async () => {
      series.setSource(undefined);
    },
  });
  series.setSource(() => service.samples());
  health.setSeriesCounts(function* () {
    for (const { watcher, state } of service.describe()) {
      for (const key of ['present', 'warming', 'missing'] as const)
        yield { watcher: watcher.name, state: key, count: state[key] };
    }
  });
  return service;
}
