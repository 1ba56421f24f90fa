import type { FitSpec, FittedModel } from '../forecast/types.js';
import { flush, MeanModel } from './__fixtures__/fakes.js';
import { RefitQueue, type RefitJob } from './refit.js';

const SPEC: FitSpec = { stepSeconds: 15, model: 'auto', confidence: 0.99 };

/** A fit whose results the test hands out one by one. */
function manualFit() {
  const pending: Array<{
    values: ReadonlyArray<number | null>;
    resolve: (m: FittedModel) => void;
    reject: (e: Error) => void;
  }> = [];
  const fit = (values: ReadonlyArray<number | null>) =>
    new Promise<FittedModel>((resolve, reject) => pending.push({ values, resolve, reject }));
  return { fit, pending };
}

function job(id: string, values: Array<number | null> = [1, 2, 3]) {
  const installed: FittedModel[] = [];
  const failures: unknown[] = [];
  const spec: RefitJob = {
    id,
    input: () => ({ values, spec: SPEC }),
    done: (model) => installed.push(model),
    failed: (error) => failures.push(error),
  };
  return { job: spec, installed, failures, values };
}

describe('the refit queue', () => {
  it('keeps at most maxInFlight fits outstanding and starts the next as one finishes', async () => {
    const { fit, pending } = manualFit();
    const queue = new RefitQueue(fit, { maxInFlight: 2 });
    const jobs = ['a', 'b', 'c', 'd'].map((id) => job(id));
    for (const j of jobs) expect(queue.request(j.job)).toBe(true);
    expect(queue.inFlight).toBe(2);
    expect(queue.queued).toBe(2);
    pending[0]!.resolve(new MeanModel(1, 1, 3));
    await flush();
    expect(jobs[0]!.installed).toHaveLength(1);
    expect(queue.inFlight).toBe(2);
    expect(queue.queued).toBe(1);
    expect(pending).toHaveLength(3);
  });

  it('runs one job per id at a time', async () => {
    const { fit, pending } = manualFit();
    const queue = new RefitQueue(fit, { maxInFlight: 1 });
    expect(queue.request(job('a').job)).toBe(true);
    expect(queue.request(job('a').job)).toBe(false);
    expect(queue.has('a')).toBe(true);
    pending[0]!.resolve(new MeanModel(1, 1, 3));
    await flush();
    expect(queue.has('a')).toBe(false);
    expect(queue.request(job('a').job)).toBe(true);
  });

  it('reads the training window when the fit starts, not when it was queued', async () => {
    const { fit, pending } = manualFit();
    const queue = new RefitQueue(fit, { maxInFlight: 1 });
    queue.request(job('first').job);
    const second = job('second', [1]);
    queue.request(second.job);
    second.values.push(2, 3);
    pending[0]!.resolve(new MeanModel(1, 1, 3));
    await flush();
    expect(pending[1]!.values).toEqual([1, 2, 3]);
  });

  it('drops a job whose series is gone by the time it would start', async () => {
    const { fit, pending } = manualFit();
    const queue = new RefitQueue(fit, { maxInFlight: 1 });
    queue.request(job('a').job);
    queue.request({ ...job('gone').job, input: () => undefined });
    pending[0]!.resolve(new MeanModel(1, 1, 3));
    await flush();
    expect(pending).toHaveLength(1);
    expect(queue.has('gone')).toBe(false);
  });

  it('reports a failed fit to its job and times every fit', async () => {
    const { fit, pending } = manualFit();
    const observed: string[] = [];
    const queue = new RefitQueue(fit, {
      maxInFlight: 2,
      observe: (seconds, outcome) => observed.push(`${outcome}:${seconds >= 0}`),
    });
    const a = job('a');
    const b = job('b');
    queue.request(a.job);
    queue.request(b.job);
    pending[0]!.reject(new Error('no model fits'));
    pending[1]!.resolve(new MeanModel(1, 1, 3));
    await flush();
    expect(a.failures).toEqual([new Error('no model fits')]);
    expect(b.installed).toHaveLength(1);
    expect(observed.sort()).toEqual(['error:true', 'ok:true']);
  });

  it('after stop, drops waiting jobs and destroys models that still arrive', async () => {
    const { fit, pending } = manualFit();
    const queue = new RefitQueue(fit, { maxInFlight: 1 });
    const a = job('a');
    queue.request(a.job);
    queue.request(job('b').job);
    queue.stop();
    expect(queue.queued).toBe(0);
    expect(queue.request(job('c').job)).toBe(false);
    const model = new MeanModel(1, 1, 3);
    pending[0]!.resolve(model);
    await flush();
    expect(a.installed).toHaveLength(0);
    expect(model.destroyed).toBe(true);
    expect(pending).toHaveLength(1);
  });

  it('hands out a warm-up of jobs in arrival order, once each', async () => {
    const started: string[] = [];
    const queue = new RefitQueue(
      async (values) => {
        started.push(String(values[0]));
        return new MeanModel(1, 1, values.length);
      },
      { maxInFlight: 2 },
    );
    const ids = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    for (const id of ids)
      queue.request({ ...job(id).job, input: () => ({ values: [Number(id.slice(1))], spec: SPEC }) });
    expect(queue.queued).toBe(4998);
    while (queue.queued > 0 || queue.inFlight > 0) await flush();
    expect(started).toEqual(ids.map((id) => id.slice(1)));
    expect(queue.has('s0')).toBe(false);
  });

  it('puts first fits before refits, whatever order they were asked in', async () => {
    const { fit, pending } = manualFit();
    const queue = new RefitQueue(fit, { maxInFlight: 1 });
    queue.request(job('busy').job);
    queue.request(job('refit', [1]).job);
    queue.request({ ...job('first', [2]).job, first: true });
    pending[0]!.resolve(new MeanModel(1, 1, 3));
    await flush();
    expect(pending[1]!.values).toEqual([2]);
    expect(queue.queuedFirst).toBe(0);
    expect(queue.queued).toBe(1);
  });

  it('fits many series in one batch message, windows end to end with gaps as NaN, one answer each', async () => {
    const calls: Array<{ train: number[]; lengths: number[] }> = [];
    const queue = new RefitQueue(
      () => Promise.reject(new Error('the single fit is not used when batches are offered')),
      {
        maxInFlight: 1,
        fitBatch: async (train, lengths) => {
          calls.push({ train: Array.from(train), lengths });
          return lengths.map((n, k) =>
            k === 1 ? { error: new Error('no model fits') } : { model: new MeanModel(k, 1, n), fitMs: 10 },
          );
        },
      },
    );
    // The first job starts alone (nothing else is waiting); the rest wait for its slot and go together.
    const first = job('first', [9]);
    const a = job('a', [1, null]);
    const b = job('b', [3]);
    const c = job('c', [4, 5, 6]);
    for (const j of [first, a, b, c]) queue.request(j.job);
    while (queue.queued > 0 || queue.inFlight > 0) await flush();
    expect(calls.map((call) => call.lengths)).toEqual([[1], [2, 1, 3]]);
    expect(calls[1]!.train).toEqual([1, Number.NaN, 3, 4, 5, 6]);
    expect(a.installed).toHaveLength(1);
    expect(b.failures).toEqual([new Error('no model fits')]);
    expect(c.installed).toHaveLength(1);
  });

  it('holds refits to their budget of cores but never first fits', async () => {
    let clock = 0;
    const started: string[] = [];
    const queue = new RefitQueue(() => Promise.reject(new Error('unused')), {
      maxInFlight: 4,
      maxBatch: 1,
      refitCores: 0.1,
      now: () => clock,
      fitBatch: async (train, lengths) => {
        started.push(String(train[0]));
        // Each fit measures 1 s: a tenth of a core allows one every 10 s of wall time.
        return lengths.map((n) => ({ model: new MeanModel(1, 1, n), fitMs: 1000 }));
      },
    });
    for (let i = 0; i < 3; i++) queue.request({ ...job(`r${i}`, [i]).job });
    for (let i = 0; i < 3; i++) queue.request({ ...job(`f${i}`, [100 + i]).job, first: true });
    await flush();
    // The budget starts empty: only the first fits ran.
    expect(started).toEqual(['100', '101', '102']);
    clock += 10_500;
    queue.request({ ...job('f3', [103]).job, first: true });
    await flush();
    await flush();
    expect(started).toEqual(['100', '101', '102', '103', '0']);
    expect(queue.queued).toBe(2);
    queue.stop();
  });
});
