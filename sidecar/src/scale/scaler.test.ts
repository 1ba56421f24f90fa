import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { AuditLog } from '../audit/log.js';
import { Conflict, DockerUnavailable, Forbidden, LimitExceeded, NotFound } from '../errors.js';
import type { ScaleBackend, Workload } from './backend.js';
import { IdempotencyStore } from './idempotency.js';
import type { CapacityLearner } from './capacity-learner.js';
import { AutoEvaluator } from './evaluator.js';
import { Scaler, type ScaleRequest, type ScaleResult } from './scaler.js';

/** An in-memory backend that takes a little time per change, so races would show. */
class FakeBackend implements ScaleBackend {
  readonly kind = 'swarm' as const;
  readonly workloads = new Map<string, Workload>();
  failNext: Error | undefined;
  calls = 0;

  owns(id: string): boolean {
    return id.startsWith('swarm:');
  }
  async list(): Promise<Workload[]> {
    return [...this.workloads.values()];
  }
  async inspect(id: string): Promise<Workload | undefined> {
    const w = this.workloads.get(id);
    return w && { ...w };
  }
  async setReplicas(id: string, replicas: number): Promise<Workload> {
    this.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    const w = this.workloads.get(id);
    if (!w) throw new NotFound(id);
    w.desired = replicas;
    w.running = replicas;
    return { ...w };
  }
  add(service: string, desired: number, labels: Record<string, string>): void {
    this.workloads.set(`swarm:${service}`, {
      id: `swarm:${service}`,
      backend: 'swarm',
      service,
      labels,
      desired,
      running: desired,
    });
  }
}

const OPTED_IN = { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '5' };

describe('Scaler (fake backend)', () => {
  let dir: string;
  let backend: FakeBackend;
  let scaler: Scaler;
  let registry: Registry;

  const make = (): Scaler => {
    const s = new Scaler({
      backends: [backend],
      audit: new AuditLog(dir),
      idempotency: new IdempotencyStore<ScaleResult>(dir, 60_000),
      autoDryRun: true,
      defaultAttackMax: 3,
      staleAfterMs: 300_000,
    });
    s.exportMetrics(registry);
    return s;
  };
  const request = (over: Partial<ScaleRequest> = {}): ScaleRequest => ({
    target: 'swarm:web',
    delta: 1,
    reason: 'unit test',
    dryRun: false,
    requester: { who: 'api', source: 'api' },
    ...over,
  });
  const lines = () =>
    readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { phase: string; action: string; before: number; after: number | null });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-scaler-'));
    backend = new FakeBackend();
    backend.add('web', 1, OPTED_IN);
    registry = new Registry();
    scaler = make();
  });
  afterEach(async () => {
    await scaler.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes accepted before the change and applied after it, under one audit id', async () => {
    const result = await scaler.scale(request({ replicas: 3, delta: undefined }));
    expect(result).toMatchObject({ before: 1, after: 3, changed: true, replayed: false });
    expect(lines()).toEqual([
      expect.objectContaining({ phase: 'accepted', action: result.auditId, before: 1, after: 3 }),
      expect.objectContaining({ phase: 'applied', action: result.auditId, before: 1, after: 3 }),
    ]);
  });

  it('never passes max under 50 concurrent +1 requests, and refuses the rest', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => scaler.scale(request())));
    const applied = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof LimitExceeded);
    expect(applied).toHaveLength(4);
    expect(refused).toHaveLength(46);
    expect(backend.workloads.get('swarm:web')?.desired).toBe(5);
    expect(await registry.getSingleMetricAsString('ntma_scale_actions_total')).toMatch(/result="refused"} 46/);
  });

  it('acts once for concurrent and repeated requests with one Idempotency-Key', async () => {
    const same = request({ idempotencyKey: 'k-1', delta: 2 });
    const [a, b] = await Promise.all([scaler.scale(same), scaler.scale(same)]);
    const c = await scaler.scale(same);
    expect(backend.calls).toBe(1);
    expect(backend.workloads.get('swarm:web')?.desired).toBe(3);
    expect([a, b, c].map((r) => r.auditId)).toEqual([a.auditId, a.auditId, a.auditId]);
    expect([a.replayed, b.replayed, c.replayed].sort()).toEqual([false, true, true]);
  });

  it('refuses a reused Idempotency-Key carrying a different request', async () => {
    await scaler.scale(request({ idempotencyKey: 'k-2' }));
    await expect(scaler.scale(request({ idempotencyKey: 'k-2', delta: 2 }))).rejects.toThrow(/Idempotency-Key: "k-2"/);
  });

  it('converges a retried delta on the count its first attempt resolved', async () => {
    backend.failNext = new DockerUnavailable('engine gone');
    await expect(scaler.scale(request({ idempotencyKey: 'k-3', delta: 2 }))).rejects.toThrow(DockerUnavailable);
    // The engine is back; meanwhile something else moved the service to 2.
    backend.workloads.get('swarm:web')!.desired = 2;
    await scaler.close();
    scaler = make();
    const retry = await scaler.scale(request({ idempotencyKey: 'k-3', delta: 2 }));
    expect(retry.after).toBe(3);
  });

  it('records a failure with the replicas really reached', async () => {
    backend.failNext = new DockerUnavailable('Docker Engine not reachable at /nowhere');
    await expect(scaler.scale(request())).rejects.toThrow(/\/nowhere/);
    expect(lines().map((l) => [l.phase, l.after])).toEqual([
      ['accepted', 2],
      ['failed', 1],
    ]);
  });

  it('ends the action failed, with the reason, when the Idempotency-Key cannot be recorded after accepted', async () => {
    // Fault injection: the store's disk write of the pending record fails (disk full, say).
    class FailingStore extends IdempotencyStore<ScaleResult> {
      override async put(record: Parameters<IdempotencyStore<ScaleResult>['put']>[0]): Promise<void> {
        if (record.state === 'pending') throw new Error('ENOSPC: no space left on device, write');
        return super.put(record);
      }
    }
    await scaler.close();
    scaler = new Scaler({
      backends: [backend],
      audit: new AuditLog(dir),
      idempotency: new FailingStore(dir, 60_000),
      autoDryRun: true,
      defaultAttackMax: 3,
      staleAfterMs: 300_000,
    });
    await expect(scaler.scale(request({ idempotencyKey: 'k-disk' }))).rejects.toThrow(/ENOSPC/);
    expect(backend.calls).toBe(0);
    expect(lines().map((l) => [l.phase, l.before, l.after])).toEqual([
      ['accepted', 1, 2],
      ['failed', 1, 1],
    ]);
    const [action] = (await scaler.audit.page({ offset: 0, limit: 1 })).items;
    expect(action).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/could not record the Idempotency-Key before acting \(ENOSPC.*nothing was changed/),
    });
  });

  it('refuses targets that have not opted in, recording the refusal', async () => {
    backend.add('db', 1, {});
    await expect(scaler.scale(request({ target: 'swarm:db' }))).rejects.toThrow(Forbidden);
    expect(lines()).toEqual([expect.objectContaining({ phase: 'refused' })]);
  });

  it('lists a target whose replicas disagree with the reason, and refuses to scale it', async () => {
    const conflict = 'replicas disagree on ntma.scale.min: "1" on web-1, "0" on web-3';
    backend.add('split', 3, OPTED_IN);
    backend.workloads.get('swarm:split')!.labelConflict = conflict;
    const listed = await scaler.listTargets();
    expect(listed.find((t) => t.id === 'swarm:split')).toMatchObject({ labelError: conflict });
    await expect(scaler.scale(request({ target: 'swarm:split', replicas: 0, delta: undefined }))).rejects.toThrow(
      Conflict,
    );
    expect(backend.calls).toBe(0);
    expect(lines()).toEqual([expect.objectContaining({ phase: 'refused', detail: expect.stringContaining(conflict) })]);
  });

  it('shows a stray opt-in even when the oldest replica has not opted in', async () => {
    backend.add('quiet', 2, {});
    backend.workloads.get('swarm:quiet')!.labelConflict = 'replicas disagree on ntma.scale.enabled';
    const listed = await scaler.listTargets();
    expect(listed.find((t) => t.id === 'swarm:quiet')?.labelError).toMatch(/ntma\.scale\.enabled/);
    await expect(scaler.scale(request({ target: 'swarm:quiet' }))).rejects.toThrow(/not scalable/);
  });

  describe('alert webhooks', () => {
    const alertPayload = (target: string) => ({
      receiver: 'unit',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'High', ntma_target: target },
          fingerprint: 'f1',
          startsAt: '2024-05-01T11:58:00Z',
          values: { A: 1 },
          annotations: { ntma_observed_at: (Date.now() / 1000).toFixed(3) },
        },
      ],
    });
    const automatic = { ...OPTED_IN, 'ntma.scale.auto': 'on', 'ntma.scale.cooldown': '0' };

    /** A live (not dry-run) scaler with its own audit log under `sub`, and a sender of fresh alerts for `target`. */
    const liveScaler = (sub: string, target: string, defaultAttackMax = 3) => {
      const live = new Scaler({
        backends: [backend],
        audit: new AuditLog(path.join(dir, sub)),
        idempotency: new IdempotencyStore<ScaleResult>(path.join(dir, sub), 60_000),
        autoDryRun: false,
        defaultAttackMax,
        staleAfterMs: 300_000,
      });
      let seen = 0;
      const alertOf = (labels: Record<string, string>) => {
        const payload = alertPayload(target);
        payload.alerts[0]!.labels = { ...payload.alerts[0]!.labels, ...labels } as (typeof payload.alerts)[0]['labels'];
        payload.alerts[0]!.annotations.ntma_observed_at = String(Date.now() / 1000 + seen++);
        return live.handleAlerts(payload).then((d) => d[0]!);
      };
      return { live, alertOf };
    };

    it('decides one observation of an alert once, however often and however concurrently it arrives', async () => {
      backend.add('auto', 1, automatic);
      const payload = alertPayload('swarm:auto');
      const [a, b] = await Promise.all([scaler.handleAlerts(payload), scaler.handleAlerts(payload)]);
      const decisions = [a[0]!, b[0]!];
      expect(decisions.map((d) => d.decision).sort()).toEqual(['dry_run', 'duplicate']);
      const first = decisions.find((d) => d.decision === 'dry_run')!;
      // With a zero cooldown a second decision would act again; the replay is answered instead.
      const [later] = await scaler.handleAlerts(payload);
      expect(later).toMatchObject({ decision: 'duplicate', auditId: first.auditId, target: 'swarm:auto' });
      expect(lines().map((l) => l.phase)).toEqual(['accepted', 'applied']);
    });

    it('decides a newer observation of the same alert again', async () => {
      backend.add('auto', 1, automatic);
      const payload = alertPayload('swarm:auto');
      await scaler.handleAlerts(payload);
      const newer = alertPayload('swarm:auto');
      newer.alerts[0]!.annotations.ntma_observed_at = String(Date.now() / 1000 + 15);
      const [again] = await scaler.handleAlerts(newer);
      expect(again?.decision).toBe('dry_run');
    });

    it("scales in on a drop alert only as far as the target's watched load allows, and never without it", async () => {
      const { live, alertOf } = liveScaler('live', 'swarm:load');
      backend.add('load', 2, { ...automatic, 'ntma.scale.max': '10', 'ntma.scale.step': '2' });
      const alertAt = (direction: 'in' | 'out') => alertOf({ ntma_direction: direction });
      const replicas = () => backend.workloads.get('swarm:load')?.desired;
      try {
        // No watched series carries the target: a drop alert holds.
        expect(await alertAt('in')).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/no fresh load reading/),
        });
        // Newest first, one value a minute, as the watchers keep them.
        let recent = [200, 180, 170, 160, 150];
        live.useDemand((query) =>
          query.target === 'swarm:load'
            ? {
                source: 'rx{}',
                stepSeconds: 60,
                observedAt: Date.now(),
                actual: recent[0]!,
                predicted: null,
                upper: null,
                forecast: { mean: [], upper: [] },
                recent,
                kind: null,
                attack: false,
              }
            : null,
        );
        expect(await alertAt('out')).toMatchObject({ decision: 'scaled', before: 2, after: 4 });
        // 50 per replica after that change: 200 a minute ago (in the 5-minute window) still needs the 4.
        recent = [120, 200, 190, 180, 170];
        expect(await alertAt('in')).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/^load up to 200 over the last 300 s .* needs 4 replicas: holding at 4$/),
        });
        expect(replicas()).toBe(4);
        recent = [90, 100, 95, 90, 100];
        expect(await alertAt('in')).toMatchObject({ decision: 'scaled', before: 4, after: 2 });
      } finally {
        await live.close();
      }
    });

    it('absorbs a flood up to the attack cap only while it lasts, and the periodic evaluation gives the replicas back', async () => {
      const { live, alertOf } = liveScaler('flood', 'swarm:shop', 6);
      backend.add('shop', 2, { ...automatic, 'ntma.scale.max': '10', 'ntma.scale.step': '2' });
      const attack = () => alertOf({ ntma_kind: 'attack_suspected', ntma_attack: 'true', ntma_direction: 'out' });
      const replicas = () => backend.workloads.get('swarm:shop')?.desired;
      const held = () => readFileSync(path.join(dir, 'flood', 'audit.jsonl'), 'utf8').match(/"phase":"held"/g)?.length;
      // The band's upper bound stays at the organic level (120) through the flood, as withheld points leave it.
      let load = { actual: 100, recent: [100, 100, 100, 100, 100] };
      live.useDemand((query) =>
        query.target === 'swarm:shop'
          ? {
              source: 'rx{}',
              stepSeconds: 60,
              observedAt: Date.now(),
              actual: load.actual,
              predicted: 100,
              upper: 120,
              forecast: { mean: [], upper: [] },
              recent: load.recent,
              kind: null,
              attack: false,
            }
          : null,
      );
      try {
        // An organic scale-out sets the reference: 100 over 4 replicas, 25 each.
        expect(await alertOf({ ntma_direction: 'out' })).toMatchObject({ decision: 'scaled', before: 2, after: 4 });
        expect(await live.autoTargets()).toEqual([]);
        load = { actual: 3000, recent: [3000, 100, 100, 100, 100] };
        expect(await attack()).toMatchObject({ decision: 'scaled', before: 4, after: 6 });
        expect(await live.autoTargets()).toEqual(['swarm:shop']);
        expect(await attack()).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/attack-aware cap of 6/),
        });
        // The flood goes on: the periodic evaluation holds, and logs that once.
        const heldBefore = held();
        expect(await live.evaluate('swarm:shop')).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/^the flood goes on: the load now \(3000\)/),
        });
        await live.evaluate('swarm:shop');
        expect(held()).toBe(heldBefore! + 1);
        // Over: the alert still fires (the excursion recovers), but adds nothing; the window still holds the flood.
        load = { actual: 100, recent: [100, 3000, 3000, 100, 100] };
        backend.workloads.get('swarm:shop')!.labels['ntma.scale.attack-max'] = '8';
        expect(await attack()).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/^the flood has stopped/),
        });
        expect(await live.evaluate('swarm:shop')).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/^load up to 3000 .* needs 120 replicas: holding at 6$/),
        });
        // A clean window: one step back, to the 4 before the flood; a failed engine call is retried at the next tick.
        load = { actual: 100, recent: [100, 100, 100, 100, 100] };
        backend.failNext = new DockerUnavailable('engine away');
        expect(await live.evaluate('swarm:shop')).toMatchObject({ decision: 'failed', reason: 'engine away' });
        expect(replicas()).toBe(6);
        expect(await live.evaluate('swarm:shop')).toMatchObject({ decision: 'scaled', before: 6, after: 4 });
        expect(replicas()).toBe(4);
        expect(await live.autoTargets()).toEqual([]);
      } finally {
        await live.close();
      }
    });

    /** A watched load for `target` that the test moves: upper bound 120 (the organic band), one value a minute. */
    const watched = (scaler: Scaler, target: string, state: { actual: number; recent: number[] }) =>
      scaler.useDemand((query) =>
        query.target === target
          ? {
              source: 'rx{}',
              stepSeconds: 60,
              observedAt: Date.now(),
              actual: state.actual,
              predicted: 100,
              upper: 120,
              forecast: { mean: [], upper: [] },
              recent: state.recent,
              kind: null,
              attack: false,
            }
          : null,
      );
    const floodLabels = { ...automatic, 'ntma.scale.max': '10', 'ntma.scale.step': '2' };
    const attackLabels = { ntma_kind: 'attack_suspected', ntma_attack: 'true', ntma_direction: 'out' };
    const quiet = { actual: 100, recent: [100, 100, 100, 100, 100] };

    it('after a restart, reads its reference and the flood it was giving back from the audit log (scl25)', async () => {
      backend.add('shop', 2, floodLabels);
      const first = liveScaler('restart', 'swarm:shop', 6);
      const load = { ...quiet };
      watched(first.live, 'swarm:shop', load);
      // 2 -> 4 at 100 (25 per replica), then a flood takes 4 -> 6, the engine failing once on a third change.
      expect(await first.alertOf({ ntma_direction: 'out' })).toMatchObject({ decision: 'scaled', after: 4 });
      Object.assign(load, { actual: 3000, recent: [3000, 100, 100, 100, 100] });
      expect(await first.alertOf(attackLabels)).toMatchObject({ decision: 'scaled', after: 6 });
      backend.workloads.get('swarm:shop')!.labels['ntma.scale.attack-max'] = '8';
      backend.failNext = new DockerUnavailable('engine away');
      expect(await first.alertOf(attackLabels)).toMatchObject({ decision: 'failed' });
      delete backend.workloads.get('swarm:shop')!.labels['ntma.scale.attack-max'];
      await first.live.close();

      // A new process on the same data directory: it knows the 4 before the flood and the 25 per replica.
      const second = liveScaler('restart', 'swarm:shop', 6);
      watched(second.live, 'swarm:shop', quiet);
      try {
        expect(await second.live.autoTargets()).toEqual(['swarm:shop']);
        expect(await second.live.evaluate('swarm:shop')).toMatchObject({ decision: 'scaled', before: 6, after: 4 });
        expect(await second.live.autoTargets()).toEqual([]);
        // The reference the flood left (25 per replica, not the failed change's): 100 needs 4.
        expect(await second.alertOf({ ntma_direction: 'in' })).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/^load up to 100 over the last 300 s at 25 per replica .* needs 4 replicas/),
        });
      } finally {
        await second.live.close();
      }
    });

    it('after a restart with no change of the policy in its audit log, holds its scale-ins as before (scl25)', async () => {
      backend.add('shop', 6, floodLabels);
      const first = liveScaler('old-log', 'swarm:shop', 6);
      // An operator's change is no change of the policy: it leaves nothing to read back.
      await first.live.scale(request({ target: 'swarm:shop', replicas: 4, delta: undefined }));
      await first.live.close();
      const second = liveScaler('old-log', 'swarm:shop', 6);
      watched(second.live, 'swarm:shop', quiet);
      try {
        expect(await second.live.autoTargets()).toEqual([]);
        expect(await second.alertOf({ ntma_direction: 'in' })).toMatchObject({
          decision: 'held',
          reason: expect.stringMatching(/^no per-replica load known/),
        });
      } finally {
        await second.live.close();
      }
    });

    it('with the periodic evaluation off, still gives a flood its replicas back, and looks at nothing else (scl25)', async () => {
      backend.add('shop', 2, floodLabels);
      backend.add('predicted', 1, { ...automatic, 'ntma.scale.capacity': '10' });
      const { live, alertOf } = liveScaler('sweep', 'swarm:shop', 6);
      const load = { ...quiet };
      watched(live, 'swarm:shop', load);
      const seen: string[] = [];
      const evaluate = live.evaluate.bind(live);
      live.evaluate = (target, trigger) => {
        seen.push(target);
        return evaluate(target, trigger);
      };
      const evaluator = new AutoEvaluator(live, 0, { warn: () => {}, info: () => {} }, 5);
      try {
        expect(await alertOf({ ntma_direction: 'out' })).toMatchObject({ decision: 'scaled', after: 4 });
        Object.assign(load, { actual: 3000, recent: [3000, 100, 100, 100, 100] });
        expect(await alertOf(attackLabels)).toMatchObject({ decision: 'scaled', after: 6 });
        Object.assign(load, quiet);
        evaluator.start();
        for (let i = 0; i < 200 && backend.workloads.get('swarm:shop')!.desired !== 4; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(backend.workloads.get('swarm:shop')!.desired).toBe(4);
        expect(new Set(seen)).toEqual(new Set(['swarm:shop']));
      } finally {
        await evaluator.stop();
        await live.close();
      }
    });

    it('holds an alert-driven scale-in to a learned capacity below its reference, and not without one (scl25)', async () => {
      const learnLabels = {
        'ntma.scale.learn-signal': 'sum(rate(requests_total[1m]))',
        'ntma.scale.learn-replicas': 'count(up == 1)',
        'ntma.scale.learn-health': 'max(latency)',
        'ntma.scale.learn-healthy-below': '0.25',
      };
      const run = async (sub: string, learned: number | null) => {
        backend.add(sub, 2, { ...floodLabels, ...learnLabels });
        const { live, alertOf } = liveScaler(sub, `swarm:${sub}`);
        const load = { actual: 200, recent: [200, 200, 200, 200, 200] };
        watched(live, `swarm:${sub}`, load);
        live.useCapacityLearner({
          capacity: async () => ({ perReplica: learned, origin: learned === null ? 'not learned: thin' : 'learned' }),
        } as unknown as CapacityLearner);
        try {
          // 2 -> 4 at 200 (50 per replica, as the scale-out left it); then a flat 150.
          expect(await alertOf({ ntma_direction: 'out' })).toMatchObject({ decision: 'scaled', after: 4 });
          Object.assign(load, { actual: 150, recent: [150, 150, 150, 150, 150] });
          return await alertOf({ ntma_direction: 'in' });
        } finally {
          await live.close();
        }
      };
      expect(await run('capped', 30)).toMatchObject({
        decision: 'held',
        reason: expect.stringMatching(
          /at 30 per replica \(the capacity one replica is known to carry\) needs 5 replicas/,
        ),
        notes: [expect.stringMatching(/^per-replica load capped at the capacity .*: 30 \(learned\), not 50/)],
      });
      expect(await run('uncapped', null)).toMatchObject({ decision: 'scaled', before: 4, after: 3 });
    });

    it('lets a redelivery retry an alert whose decision failed', async () => {
      const payload = alertPayload('swarm:later');
      const [failed] = await scaler.handleAlerts(payload);
      expect(failed?.decision).toBe('failed');
      backend.add('later', 1, automatic);
      const [retried] = await scaler.handleAlerts(payload);
      expect(retried?.decision).toBe('dry_run');
    });
  });

  it('refuses a request without exactly one of replicas and delta before it asks the engine, even one that is away', async () => {
    backend.list = () => Promise.reject(new DockerUnavailable('Docker Engine not reachable at /nowhere'));
    backend.inspect = () => Promise.reject(new DockerUnavailable('Docker Engine not reachable at /nowhere'));
    await expect(scaler.scale(request({ replicas: 2, delta: 1 }))).rejects.toThrow(/exactly one of "replicas"/);
    await expect(scaler.scale(request({ delta: undefined }))).rejects.toThrow(/exactly one of "replicas"/);
    await expect(scaler.scale(request({ delta: 0 }))).rejects.toThrow(/must not be 0/);
    await expect(scaler.scale(request({ idempotencyKey: 'k-bad', delta: 0 }))).rejects.toThrow(/must not be 0/);
    expect(backend.calls).toBe(0);
    // What it did not look at, it did not record either: the audit log holds no action.
    expect(existsSync(path.join(dir, 'audit.jsonl')) ? lines() : []).toEqual([]);
    await expect(scaler.scale(request())).rejects.toThrow(DockerUnavailable);
  });

  it('answers 404 for a vanished target and for an id no backend knows', async () => {
    await expect(scaler.scale(request({ target: 'swarm:gone' }))).rejects.toThrow(/not found/);
    await expect(scaler.scale(request({ target: 'k8s:x' }))).rejects.toThrow(/unknown target id "k8s:x"/);
  });

  it('changes nothing on a dry-run but records what it would have done', async () => {
    const result = await scaler.scale(request({ dryRun: true, replicas: 4, delta: undefined }));
    expect(result).toMatchObject({ before: 1, after: 4, dryRun: true, changed: false });
    expect(backend.calls).toBe(0);
    expect(lines().map((l) => l.phase)).toEqual(['accepted', 'applied']);
  });
});
