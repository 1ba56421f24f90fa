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
});
