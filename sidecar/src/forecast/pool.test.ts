import { Worker } from 'node:worker_threads';
import { traffic } from './__fixtures__/simulate.js';
import {
  ForecastError,
  ForecastPoolBusy,
  ForecastPoolClosed,
  ForecastTimeout,
  ForecastWorkerCrashed,
} from './errors.js';
import { bandOver } from './bands.js';
import { restoreModel } from './model.js';
import { defaultWorkerUrl, ForecastPool } from './pool.js';
import type { FitSpec } from './types.js';

const spec: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95 };
const crashingWorker = new URL('./__fixtures__/crashing-worker.mjs', import.meta.url);
const failedWarmUpWorker = new URL('./__fixtures__/failed-warm-up-worker.mjs', import.meta.url);
const neverWarmWorker = new URL('./__fixtures__/never-warm-worker.mjs', import.meta.url);

describe('forecast worker pool', () => {
  let pool: ForecastPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('finds the compiled worker when running from TypeScript sources', () => {
    expect(defaultWorkerUrl().pathname).toMatch(/sidecar\/dist\/forecast\/worker\.js$/);
  });

  it('fits in a worker and returns a snapshot that bands the following range on this thread', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000 });
    const y = traffic(1440 + 60, 1);
    const result = await pool.fit(y.slice(0, 1440), spec);
    expect(result.model).toMatch(/arima/);
    expect(result.fitMs).toBeGreaterThan(0);
    const band = bandOver(restoreModel(result.snapshot), y.slice(1440), 0.95);
    expect(band.forecast).toHaveLength(60);
    expect(band.lower.every((l, i) => l < band.upper[i]!)).toBe(true);
  });

  it('fits a batch of windows sent in one transferred buffer, one answer per window, a failure only its own', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000 });
    const a = traffic(300, 3);
    const b = traffic(200, 4);
    const train = new Float64Array([...a, 5, ...b]);
    const items = await pool.fitBatch(train, [300, 1, 200], spec, true);
    // The buffer moved to the worker: this side's view of it is empty.
    expect(train.length).toBe(0);
    expect(items.map((item) => item.ok)).toEqual([true, false, true]);
    const [first, , third] = items;
    expect(first!.ok && first!.result.trainedOn).toBe(300);
    expect(third!.ok && third!.result.trainedOn).toBe(200);
    // Lean: a watcher never reads the fit's diagnostics, so they do not cross back.
    expect(first!.ok && first!.result.snapshot.diagnostics.orders).toEqual([]);
  });

  it('warmed() resolves once every worker says its warm-up is over', async () => {
    pool = new ForecastPool({ workers: 2, timeoutMs: 30_000 });
    const started = Date.now();
    const report = await pool.warmed(20_000);
    // Well before the bound: the workers said so (jest skips the warm-up fit itself, not the notice).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report).toEqual({ workers: 2, done: 2, timedOut: false, skipped: true, slowestMs: 0, errors: [] });
    await expect(pool.fit(traffic(300, 12), spec)).resolves.toMatchObject({ trainedOn: 300 });
  });

  it('warmed() gives up after its bound when a worker never says it is warm', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000, workerUrl: neverWarmWorker });
    const started = Date.now();
    const report = await pool.warmed(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(report).toMatchObject({ workers: 1, done: 0, timedOut: true });
  });

  it('warmed() reports a warm-up that threw, and the worker still fits', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000, workerUrl: failedWarmUpWorker });
    expect(await pool.warmed(20_000)).toEqual({
      workers: 1,
      done: 1,
      timedOut: false,
      skipped: false,
      slowestMs: 7,
      errors: ['the warm-up broke'],
    });
    await expect(pool.fit(traffic(300, 12), spec)).resolves.toMatchObject({ trainedOn: 300 });
  });

  it('passes domain errors back as their own class', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000 });
    await expect(pool.fit([null, 1, null], spec)).rejects.toThrow(ForecastError);
    await expect(pool.fit([null, 1, null], spec)).rejects.toThrow(/at least 2 observed values/);
  });

  it('abandons a fit past its budget with ForecastTimeout', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 1 });
    await expect(pool.fit(traffic(10_080, 2), spec)).rejects.toThrow(ForecastTimeout);
    await expect(pool.fit(traffic(10_080, 2), spec)).rejects.toThrow(/longer than 1 ms/);
    expect(pool.running).toBe(0);
  });

  it('terminates a worker stuck in a fit and serves the next job from its replacement', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 3000, workerUrl: crashingWorker });
    await expect(pool.fit(traffic(15, 3), spec)).rejects.toThrow(ForecastTimeout);
    const next = await pool.fit(traffic(300, 4), spec);
    expect(next.trainedOn).toBe(300);
  });

  it('close() waits for a worker replaced while stuck in a fit to be terminated', async () => {
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    try {
      pool = new ForecastPool({ workers: 1, timeoutMs: 200, workerUrl: crashingWorker });
      await expect(pool.fit(traffic(15, 3), spec)).rejects.toThrow(ForecastTimeout);
      // The stuck thread gets its grace to end on its own, then terminate(); close() outlives both.
      await pool.close();
      expect(terminate).toHaveBeenCalledTimes(1);
      expect(pool.stuckWorkers).toBe(0);
    } finally {
      terminate.mockRestore();
    }
  });

  it('rejects the job of a worker that exits, then keeps serving', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000, workerUrl: crashingWorker });
    await expect(pool.fit(traffic(13, 5), spec)).rejects.toThrow(ForecastWorkerCrashed);
    await expect(pool.fit(traffic(13, 5), spec)).rejects.toThrow(/exit code 13/);
    const next = await pool.fit(traffic(300, 6), spec);
    expect(next.trainedOn).toBe(300);
  });

  it('rejects the job of a worker killed by an uncaught exception, with its message', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000, workerUrl: crashingWorker });
    await expect(pool.fit(traffic(14, 7), spec)).rejects.toThrow(
      /forecast worker crashed: boom outside the job handler/,
    );
    await expect(pool.fit(traffic(300, 8), spec)).resolves.toMatchObject({ trainedOn: 300 });
  });

  it('fails fast with ForecastPoolBusy when the queue is full, and reports its depth', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000, maxQueue: 2 });
    const y = traffic(2000, 9);
    const jobs = [pool.fit(y, spec), pool.fit(y, spec), pool.fit(y, spec)];
    expect(pool.running).toBe(1);
    expect(pool.queueDepth).toBe(2);
    const busy = pool.fit(y, spec);
    await expect(busy).rejects.toThrow(ForecastPoolBusy);
    await expect(busy).rejects.toMatchObject({ code: 'OVERLOADED', retryAfterSeconds: 1 });
    const results = await Promise.all(jobs);
    expect(results.map((r) => r.trainedOn)).toEqual([2000, 2000, 2000]);
    expect(pool.queueDepth).toBe(0);
  });

  it('rejects a job that cannot be sent to a worker, and the worker stays in service', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000 });
    const notData = [1, 2, (() => 3) as unknown as number];
    await expect(pool.fit(notData, spec)).rejects.toThrow(/could not be cloned/);
    await expect(pool.fit(traffic(300, 11), spec)).resolves.toMatchObject({ trainedOn: 300 });
  });

  it('close() rejects waiting and running jobs instead of leaving them pending', async () => {
    pool = new ForecastPool({ workers: 1, timeoutMs: 30_000 });
    const y = traffic(10_080, 10);
    const running = expect(pool.fit(y, spec)).rejects.toThrow(ForecastPoolClosed);
    const waiting = expect(pool.fit(y, spec)).rejects.toThrow(ForecastPoolClosed);
    await pool.close();
    await running;
    await waiting;
    await expect(pool.fit(y, spec)).rejects.toThrow(ForecastPoolClosed);
  });

  it('close() lets a worker still warming up end on its own rather than terminating it', async () => {
    // terminate() while V8 compiles the warm-up's hot code in the background can abort the process.
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    try {
      pool = new ForecastPool({ workers: 2, timeoutMs: 30_000 });
      await pool.close();
      expect(terminate).not.toHaveBeenCalled();
    } finally {
      terminate.mockRestore();
    }
  });
});
