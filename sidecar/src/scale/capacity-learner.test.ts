import type { PrometheusReader, RangeAnswer, RangeRequest } from '../prometheus/client.js';
import type { LearnSpec } from './capacity.js';
import { CapacityLearner, REFRESH_MS } from './capacity-learner.js';

const SPEC: LearnSpec = {
  signal: 'signal',
  replicas: 'replicas',
  health: 'health',
  healthyBelow: 0.25,
  windowSeconds: 86_400,
};

/** A fake of our own reader interface: each query's values over the requested grid. */
class FakeReader implements PrometheusReader {
  readonly baseUrl = 'http://prometheus.test';
  calls: RangeRequest[] = [];
  fail = false;
  constructor(private readonly values: Record<string, (k: number) => number | null>) {}
  async queryRange(request: RangeRequest): Promise<RangeAnswer> {
    this.calls.push(request);
    if (this.fail) throw new Error('connect ECONNREFUSED');
    const count = Math.floor((request.end - request.start) / request.step) + 1;
    const of = this.values[request.query]!;
    return {
      grid: { startMs: request.start * 1000, stepMs: request.step * 1000, count },
      series: [{ labels: {}, values: Array.from({ length: count }, (_, k) => of(k)) }],
      warnings: [],
    };
  }
}

describe('CapacityLearner', () => {
  const now = Date.UTC(2026, 11, 2, 12, 0, 0);

  it('learns from a day of history at one-minute steps and says from what', async () => {
    const reader = new FakeReader({ signal: () => 90, replicas: () => 3, health: () => 0.1 });
    const learned = await new CapacityLearner(reader, () => now).capacity('compose:p:web', SPEC);
    expect(learned.perReplica).toBe(30);
    expect(learned.origin).toMatch(/^learned from the last 1d to 2026-12-02T12:00:00.000Z at 60s: 95th percentile/);
    expect(learned.origin).toMatch(/over 1441 healthy steps of 1441 \(health below 0.25/);
    expect(reader.calls[0]).toMatchObject({ step: 60, end: now / 1000, start: now / 1000 - 86_400 });
  });

  it('refuses, and says why, when the history is not enough or Prometheus does not answer', async () => {
    const sick = new FakeReader({ signal: () => 90, replicas: () => 3, health: () => 1 });
    const refused = await new CapacityLearner(sick, () => now).capacity('t', SPEC);
    expect(refused).toEqual({
      perReplica: null,
      origin: expect.stringMatching(/^not learned from the last 1d .*only 0 healthy/),
    });
    const down = new FakeReader({});
    down.fail = true;
    expect(await new CapacityLearner(down, () => now).capacity('t', SPEC)).toEqual({
      perReplica: null,
      origin: expect.stringMatching(/Prometheus did not answer \(connect ECONNREFUSED\)/),
    });
  });

  it('keeps a result for its refresh period, then learns again', async () => {
    let clock = now;
    let rate = 90;
    const reader = new FakeReader({ signal: () => rate, replicas: () => 3, health: () => 0.1 });
    const learner = new CapacityLearner(reader, () => clock);
    expect((await learner.capacity('t', SPEC)).perReplica).toBe(30);
    rate = 120;
    clock += REFRESH_MS - 1;
    expect((await learner.capacity('t', SPEC)).perReplica).toBe(30);
    clock += 1;
    expect((await learner.capacity('t', SPEC)).perReplica).toBe(40);
    expect(reader.calls).toHaveLength(6);
  });
});
