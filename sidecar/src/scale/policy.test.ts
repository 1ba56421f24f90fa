import type { ScaleSettings } from './labels.js';
import { decide, type AutoSignal, type PolicyContext } from './policy.js';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

const settings = (over: Partial<ScaleSettings> = {}, limits: Partial<ScaleSettings['limits']> = {}): ScaleSettings => ({
  enabled: true,
  limits: { min: 1, max: 6, step: 2, cooldownSeconds: 60, ...limits },
  auto: 'on',
  attackMax: null,
  capacity: null,
  ...over,
});

const signal = (over: Partial<AutoSignal> = {}): AutoSignal => ({
  target: 'swarm:web',
  direction: 'out',
  firing: true,
  kind: 'spike',
  attack: false,
  value: 123,
  observedAt: NOW,
  ...over,
});

const ctx = (over: Partial<PolicyContext> = {}): PolicyContext => ({
  current: 2,
  settings: settings(),
  lastChange: { live: null, any: null },
  now: NOW,
  staleAfterMs: 300_000,
  defaultAttackMax: 3,
  forceDryRun: false,
  ...over,
});

describe('automatic policy', () => {
  it('scales out by one step', () => {
    expect(decide(signal(), ctx())).toEqual({ kind: 'scale', from: 2, to: 4, dryRun: false, notes: [] });
  });

  it('scales in by one step on an "in" signal', () => {
    expect(decide(signal({ direction: 'in' }), ctx({ current: 5 }))).toMatchObject({ kind: 'scale', from: 5, to: 3 });
  });

  it('is off unless the target enables it', () => {
    expect(decide(signal(), ctx({ settings: settings({ auto: 'off' }) }))).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(/automatic scaling is off/),
    });
  });

  it('never acts on a resolved alert', () => {
    expect(decide(signal({ firing: false }), ctx())).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(/resolved/),
    });
  });

  it.each<'in' | 'out'>(['in', 'out'])('holds on a missing metric when asked to scale %s', (direction) => {
    const decision = decide(signal({ direction, value: null }), ctx({ current: 4 }));
    expect(decision).toMatchObject({ kind: 'hold', reason: expect.stringMatching(/metric is missing/) });
  });

  it.each<'in' | 'out'>(['in', 'out'])('holds on an outage alert even when it carries a value (%s)', (direction) => {
    // Grafana's outage rule carries the forecast it still expects; that is no observation.
    const decision = decide(signal({ direction, kind: 'outage', value: 500 }), ctx({ current: 4 }));
    expect(decision).toMatchObject({ kind: 'hold', reason: expect.stringMatching(/stopped reporting \(outage\)/) });
  });

  it('holds on a stale metric and never scales in on it', () => {
    const decision = decide(signal({ direction: 'in', observedAt: NOW - 301_000 }), ctx({ current: 4 }));
    expect(decision).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(/stale \(observed 301 s ago, limit 300 s\)/),
    });
  });

  it.each<'in' | 'out'>(['in', 'out'])(
    'holds when the alert carries no sample time, never reading it as now (%s)',
    (direction) => {
      const decision = decide(signal({ direction, observedAt: null }), ctx({ current: 4 }));
      expect(decision).toMatchObject({
        kind: 'hold',
        reason: expect.stringMatching(/no sample time \(ntma_observed_at\)/),
      });
    },
  );

  it('holds on a sample time further in the future than the stale limit', () => {
    expect(decide(signal({ observedAt: NOW + 301_000 }), ctx())).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(/301 s in the future/),
    });
    expect(decide(signal({ observedAt: NOW + 5_000 }), ctx())).toMatchObject({ kind: 'scale' });
  });

  it('holds during the cooldown after a live change and acts once it is over', () => {
    const during = ctx({ lastChange: { live: NOW - 30_000, any: NOW - 30_000 } });
    expect(decide(signal(), during)).toMatchObject({
      kind: 'hold',
      reason: 'cooldown: 30 s left of 60 s since the last change',
    });
    const after = ctx({ lastChange: { live: NOW - 60_000, any: NOW - 60_000 } });
    expect(decide(signal(), after)).toMatchObject({ kind: 'scale' });
  });

  it('lets earlier dry-run decisions hold back a dry-run but not a live action', () => {
    const lastChange = { live: null, any: NOW - 10_000 };
    expect(decide(signal(), ctx({ lastChange }))).toMatchObject({ kind: 'scale', dryRun: false });
    expect(decide(signal(), ctx({ lastChange, forceDryRun: true }))).toMatchObject({ kind: 'hold', dryRun: true });
  });

  it('clamps the step to max and says so', () => {
    expect(decide(signal(), ctx({ current: 5 }))).toEqual({
      kind: 'scale',
      from: 5,
      to: 6,
      dryRun: false,
      notes: ['step clamped to max 6'],
    });
  });

  it('clamps the step to min on the way in', () => {
    expect(decide(signal({ direction: 'in' }), ctx({ current: 2 }))).toMatchObject({ kind: 'scale', to: 1 });
  });

  it('holds at max and at min', () => {
    expect(decide(signal(), ctx({ current: 6 }))).toMatchObject({ kind: 'hold', reason: 'already at max 6 replicas' });
    expect(decide(signal({ direction: 'in' }), ctx({ current: 1 }))).toMatchObject({
      kind: 'hold',
      reason: 'already at min 1 replicas',
    });
  });

  it('never turns an "out" signal into a scale-in when the target is above max', () => {
    expect(decide(signal(), ctx({ current: 9 }))).toMatchObject({ kind: 'hold' });
  });

  it('caps scale-out at the attack-aware cap and notes it for the audit entry', () => {
    const decision = decide(signal({ attack: true, kind: 'attack_suspected' }), ctx({ current: 2 }));
    expect(decision).toEqual({
      kind: 'scale',
      from: 2,
      to: 3,
      dryRun: false,
      notes: [
        'anomaly classified attack-like (attack_suspected)',
        'attack-aware cap: scale-out limited to 3 replicas',
        'step clamped to cap 3',
      ],
    });
  });

  it('holds at the attack-aware cap, the target label overriding the default', () => {
    const decision = decide(signal({ attack: true }), ctx({ current: 4, settings: settings({ attackMax: 4 }) }));
    expect(decision).toMatchObject({ kind: 'hold', reason: expect.stringMatching(/attack-aware cap of 4/) });
  });

  it('is a dry-run when the target says dry-run or the sidecar forces it', () => {
    expect(decide(signal(), ctx({ settings: settings({ auto: 'dry-run' }) }))).toMatchObject({
      kind: 'scale',
      dryRun: true,
    });
    expect(decide(signal(), ctx({ forceDryRun: true }))).toMatchObject({ kind: 'scale', dryRun: true });
  });
});
