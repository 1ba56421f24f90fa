import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../audit/log.js';
import type { LiveDemand } from '../watch/demand.js';
import type { ScaleBackend, Workload } from './backend.js';
import type { PrometheusReader, RangeAnswer, RangeRequest } from '../prometheus/client.js';
import { CapacityLearner } from './capacity-learner.js';
import { IdempotencyStore } from './idempotency.js';
import { Scaler, type ScaleResult } from './scaler.js';

/** An in-memory Swarm-like backend: one workload whose replica count the scaler sets. */
class MemoryBackend implements ScaleBackend {
  readonly kind = 'swarm' as const;
  constructor(readonly workload: Workload) {}
  owns(id: string): boolean {
    return id.startsWith('swarm:');
  }
  async list(): Promise<Workload[]> {
    return [{ ...this.workload }];
  }
  async inspect(id: string): Promise<Workload | undefined> {
    return id === this.workload.id ? { ...this.workload } : undefined;
  }
  async setReplicas(_id: string, replicas: number): Promise<Workload> {
    this.workload.desired = replicas;
    this.workload.running = replicas;
    return { ...this.workload };
  }
}

const LABELS = {
  'ntma.scale.enabled': 'true',
  'ntma.scale.max': '6',
  'ntma.scale.step': '3',
  'ntma.scale.cooldown': '0',
  'ntma.scale.auto': 'on',
  'ntma.scale.capacity': '10',
  'ntma.scale.utilisation': '0.5',
  'ntma.scale.lead': '30s',
};

describe('Scaler.evaluate (the predictive policy on live demand)', () => {
  let dir: string;
  let backend: MemoryBackend;
  let scaler: Scaler;
  let now: number;
  let demand: LiveDemand | null;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-evaluate-'));
    now = Date.now();
    backend = new MemoryBackend({
      id: 'swarm:web',
      backend: 'swarm',
      service: 'web',
      labels: { ...LABELS },
      desired: 1,
      running: 1,
    });
    scaler = new Scaler({
      backends: [backend],
      audit: new AuditLog(dir),
      idempotency: new IdempotencyStore<ScaleResult>(dir, 60_000),
      autoDryRun: false,
      defaultAttackMax: 3,
      staleAfterMs: 300_000,
      now: () => now,
    });
    demand = {
      source: 'requests{job="web"}',
      stepSeconds: 5,
      observedAt: now - 1000,
      actual: 4,
      predicted: 4,
      upper: 4.5,
      forecast: { mean: Array(60).fill(4), upper: Array(60).fill(4.5) },
      kind: null,
      attack: false,
    };
    scaler.useDemand(() => demand);
  });

  afterEach(async () => {
    await scaler.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scales out ahead of a forecast peak and audits what it decided from', async () => {
    demand!.forecast.mean = Array.from({ length: 60 }, (_, k) => (k === 4 ? 12 : 4));
    demand!.forecast.upper = Array.from({ length: 60 }, (_, k) => (k === 4 ? 14 : 4.5));
    const decision = await scaler.evaluate('swarm:web');
    expect(decision).toMatchObject({ decision: 'scaled', before: 1, after: 3 });
    expect(backend.workload.desired).toBe(3);
    const [action] = (await scaler.audit.page({ offset: 0, limit: 1 })).items;
    expect(action).toMatchObject({ source: 'policy', who: 'ntma-policy', status: 'applied', before: 1, after: 3 });
    expect(action!.policy).toMatchObject({
      forecastPeak: 14,
      forecastMean: 12,
      desired: 3,
      capacity: { perReplica: 10, utilisation: 0.5 },
      bounds: { min: 1, max: 6, attackCap: 3 },
      anomaly: { kind: null, attack: false },
    });
  });

  it('records a periodic hold once per reason, not on every tick', async () => {
    await scaler.evaluate('swarm:web');
    await scaler.evaluate('swarm:web');
    demand = null;
    await scaler.evaluate('swarm:web');
    const { items } = await scaler.audit.page({ offset: 0, limit: 10 });
    expect(items.map((a) => a.detail)).toEqual([
      expect.stringMatching(/no watched series/),
      expect.stringMatching(/1 is right/),
    ]);
  });

  it('takes an alert for a target with a capacity model as a trigger, deciding on live state', async () => {
    const [decision] = await scaler.handleAlerts({
      receiver: 'r',
      alerts: [
        { status: 'firing', labels: { alertname: 'Flood', ntma_target: 'swarm:web', kind: 'attack_suspected' } },
      ],
    });
    // The alert says out; live demand (4 req/s, forecast 4.5) says 1 replica is right.
    expect(decision).toMatchObject({ decision: 'held', target: 'swarm:web' });
    expect(decision!.reason).toMatch(/1 is right/);
    expect(backend.workload.desired).toBe(1);
  });

  it('shows in GET targets what it would do now and why', async () => {
    demand!.actual = 40;
    const [view] = await scaler.listTargets();
    expect(view!.policy).toMatchObject({ action: 'scale', from: 1, to: 4, code: 'out' });
    expect(view!.policy.reason).toMatch(/scale out 1 -> 4/);
    expect(backend.workload.desired).toBe(1);
  });

  it('plans on a capacity learned from history, and holds while it cannot be learned', async () => {
    backend.workload.labels = {
      ...LABELS,
      'ntma.scale.capacity': 'learn',
      'ntma.scale.learn-signal': 'signal',
      'ntma.scale.learn-replicas': 'replicas',
      'ntma.scale.learn-health': 'latency',
      'ntma.scale.learn-healthy-below': '0.25',
      'ntma.scale.learn-window': '2h',
    };
    demand!.actual = 40;
    let healthy = false;
    // A day of history: 2 replicas serving 20 req/s (10 each) at 0.1 s, or at 2 s while unhealthy.
    const reader: PrometheusReader = {
      baseUrl: 'http://prometheus.test',
      async queryRange(request: RangeRequest): Promise<RangeAnswer> {
        const count = Math.floor((request.end - request.start) / request.step) + 1;
        const value = { signal: 20, replicas: 2, latency: healthy ? 0.1 : 2 }[request.query]!;
        return {
          grid: { startMs: request.start * 1000, stepMs: request.step * 1000, count },
          series: [{ labels: {}, values: Array<number>(count).fill(value) }],
          warnings: [],
        };
      },
    };
    let clock = now;
    scaler.useCapacityLearner(new CapacityLearner(reader, () => clock));
    const held = await scaler.evaluate('swarm:web');
    expect(held).toMatchObject({ decision: 'held' });
    expect(held.reason).toMatch(/capacity not learned from the last 2h .*only 0 healthy steps/);
    healthy = true;
    clock += 3_600_000;
    const decision = await scaler.evaluate('swarm:web');
    // 40 req/s at 10 per replica x 0.5: 8 wanted, max 6, step 3.
    expect(decision).toMatchObject({ decision: 'scaled', before: 1, after: 4 });
    const [action] = (await scaler.audit.page({ offset: 0, limit: 1 })).items;
    expect(action!.policy!.capacity).toMatchObject({
      perReplica: 10,
      origin: expect.stringMatching(/^learned from the last 2h .* over 121 healthy steps of 121/),
    });
  });
});
