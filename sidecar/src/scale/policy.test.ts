import type { ScaleSettings } from './labels.js';
import {
  decide,
  referenceAfter,
  returnFloodReplicas,
  type AutoSignal,
  type KnownCapacity,
  type LoadReading,
  type LoadReference,
  type PolicyContext,
  type PolicyDecision,
} from './policy.js';

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
  load: null,
  reference: { live: null, any: null },
  now: NOW,
  staleAfterMs: 300_000,
  defaultAttackMax: 3,
  forceDryRun: false,
  ...over,
});

/** A fresh load reading whose highest over the 300 s window is `peak` (the value now unless given). */
const load = (value: number | null, peak: number | null = value, over: Partial<LoadReading> = {}): LoadReading => ({
  value,
  observedAt: NOW - 10_000,
  windowPeak: peak,
  windowSeconds: 300,
  ...over,
});

/** A context whose load and per-replica reference allow any scale-in (an idle target). */
const idle = (over: Partial<PolicyContext> = {}): PolicyContext =>
  ctx({ load: load(0), reference: { live: { perReplica: 50, at: NOW - 3_600_000 }, any: null }, ...over });

describe('automatic policy', () => {
  it('scales out by one step', () => {
    expect(decide(signal(), ctx())).toEqual({ kind: 'scale', from: 2, to: 4, dryRun: false, notes: [] });
  });

  it('scales in by one step on an "in" signal', () => {
    expect(decide(signal({ direction: 'in' }), idle({ current: 5 }))).toMatchObject({ kind: 'scale', from: 5, to: 3 });
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
    expect(decide(signal({ direction: 'in' }), idle({ current: 2 }))).toMatchObject({ kind: 'scale', to: 1 });
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
        'no watched series carries the target: whether the flood goes on cannot be told, and the replicas it adds are not given back automatically',
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

describe('automatic policy: scale-in against the load (the alert-driven path)', () => {
  const drop = signal({ direction: 'in', kind: 'drop', value: -1 });
  const reference = (perReplica: number) => ({ live: { perReplica, at: NOW - 3_600_000 }, any: null });
  const settings8 = settings({}, { min: 2, max: 40, step: 2, cooldownSeconds: 300 });

  it("holds on a dip below the band while the load still needs every replica (the bench's seed 6 at noon)", () => {
    // Scaled 10 -> 8 at 10:39 with 530 requests/s (66 per replica); at 12:00 a two-minute dip below a
    // band that expected 730 fires a drop alert while 706 requests/s arrive: 6 replicas would carry 118 each.
    const noon = ctx({ current: 8, settings: settings8, load: load(696.8, 706.1), reference: reference(530 / 8) });
    expect(decide(drop, noon)).toMatchObject({
      kind: 'hold',
      reason:
        'load up to 706.1 over the last 300 s at 66.3 per replica (the load per replica after the last change) needs 11 replicas: holding at 8',
    });
  });

  it('scales in no further than the count that carries the highest load of the window', () => {
    const decision = decide(
      drop,
      ctx({ current: 10, settings: settings8, load: load(400, 420), reference: reference(50) }),
    );
    expect(decision).toMatchObject({ kind: 'scale', from: 10, to: 9 });
    expect(decision.notes).toEqual([expect.stringMatching(/^step limited by the load: load up to 420 .* needs 9$/)]);
  });

  it('takes a full step when the load allows it; one that gets to the count the load needs keeps the load now per replica', () => {
    // 390 at 50 per replica needs 8: 10 -> 8 gets there, and the next reference is the load now ÷ 8.
    const decision = decide(
      drop,
      ctx({ current: 10, settings: settings8, load: load(350, 390), reference: reference(50) }),
    );
    expect(decision).toEqual({ kind: 'scale', from: 10, to: 8, dryRun: false, notes: [], perReplica: 350 / 8 });
  });

  it('keeps the load per replica it aimed at when the step cut it short, so the next action finishes it', () => {
    // 300 at 50 per replica needs 6; a step of 2 takes 10 -> 8 and keeps 300 ÷ 6, not 300 ÷ 8.
    const decision = decide(drop, ctx({ current: 10, settings: settings8, load: load(300), reference: reference(50) }));
    expect(decision).toEqual({ kind: 'scale', from: 10, to: 8, dryRun: false, notes: [], perReplica: 50 });
  });

  it('goes 8 -> 6 -> 4 -> 3 at a flat load that needs 3 (step 2), one cooldown apart, and no further', () => {
    // The reference from the last scale-out: 250 per replica; a flat 700 needs 3.
    let current = 8;
    let ref = reference(250);
    const path = [current];
    for (let action = 0; action < 5; action += 1) {
      const decision = decide(drop, ctx({ current, settings: settings8, load: load(700), reference: ref }));
      if (decision.kind === 'hold') {
        expect(decision.reason).toMatch(/at 233.3 per replica .* needs 3 replicas: holding at 3$/);
        break;
      }
      current = decision.to;
      ref = reference(decision.perReplica!);
      path.push(current);
    }
    expect(path).toEqual([8, 6, 4, 3]);
    expect(ref.live.perReplica).toBeCloseTo(700 / 3, 9);
  });

  it('still holds a step-limited chain to the load: a rise after the first step needs more replicas', () => {
    // 8 -> 6 aimed at 700 ÷ 3; the window's highest is 1,000 by the next alert: 1000 ÷ 233.3 needs 5.
    const first = decide(drop, ctx({ current: 8, settings: settings8, load: load(700), reference: reference(250) }));
    expect(first).toMatchObject({ kind: 'scale', to: 6, perReplica: 700 / 3 });
    const next = ctx({ current: 6, settings: settings8, load: load(700, 1000), reference: reference(700 / 3) });
    expect(decide(drop, next)).toMatchObject({ kind: 'scale', to: 5, perReplica: 700 / 5 });
  });

  it('keeps the reference when the load is zero and the step cuts the scale-in short', () => {
    const decision = decide(drop, ctx({ current: 10, settings: settings8, load: load(0), reference: reference(50) }));
    expect(decision).toMatchObject({ kind: 'scale', to: 8, perReplica: 50 });
  });

  it('reads the window, not the dip: a low value now with a high one a few minutes ago holds', () => {
    const decision = decide(
      drop,
      ctx({ current: 10, settings: settings8, load: load(250, 480), reference: reference(50) }),
    );
    expect(decision).toMatchObject({ kind: 'hold', reason: expect.stringMatching(/needs 10 replicas: holding at 10/) });
  });

  it.each<[string, Partial<PolicyContext>, RegExp]>([
    ['no watched series', { load: null }, /no fresh load reading/],
    ['no value at the last step', { load: load(null, 300) }, /no fresh load reading/],
    ['a stale reading', { load: load(300, 300, { observedAt: NOW - 301_000 }) }, /no fresh load reading/],
    ['a reading without a time', { load: load(300, 300, { observedAt: null }) }, /no fresh load reading/],
    ['a window with a missing step', { load: load(300, null) }, /over the last 300 s is not fully observed/],
    ['no reference (no change since start)', { reference: { live: null, any: null } }, /no per-replica load known/],
    ['a zero reference', { reference: reference(0) }, /no per-replica load known/],
  ])('never scales in without load data: %s', (_, over, reason) => {
    const base = ctx({ current: 10, settings: settings8, load: load(100), reference: reference(50) });
    expect(decide(drop, base)).toMatchObject({ kind: 'scale', to: 8 });
    expect(decide(drop, { ...base, ...over })).toMatchObject({ kind: 'hold', reason: expect.stringMatching(reason) });
  });

  it('holds a dry-run to the dry-run reference and a live action to the live one', () => {
    const both = { live: { perReplica: 100, at: NOW - 60_000_000 }, any: { perReplica: 20, at: NOW - 600_000 } };
    const base = ctx({ current: 10, settings: settings8, load: load(300), reference: both });
    expect(decide(drop, base)).toMatchObject({ kind: 'scale', to: 8, dryRun: false });
    expect(decide(drop, { ...base, forceDryRun: true })).toMatchObject({ kind: 'hold', dryRun: true });
  });

  it('keeps the load per replica after a scale-out, but not after an attack-driven one, nor without a load', () => {
    const out = signal({ value: 1 });
    expect(decide(out, ctx({ current: 4, load: load(600) }))).toMatchObject({ kind: 'scale', to: 6, perReplica: 100 });
    const attack = signal({ attack: true, kind: 'attack_suspected' });
    const flood = decide(attack, ctx({ current: 1, load: load(5000), settings: settings({ attackMax: 3 }) }));
    expect(flood).toMatchObject({ kind: 'scale', to: 3 });
    expect(flood).not.toHaveProperty('perReplica');
    expect(decide(out, ctx({ current: 4 }))).not.toHaveProperty('perReplica');
  });
});

/** Drop alerts one cooldown apart at the given loads, each decided on the reference the last change left. */
function dropChain(
  start: { current: number; reference: LoadReference },
  loads: ReadonlyArray<[value: number, peak: number]>,
  over: Partial<PolicyContext> = {},
): { path: number[]; decisions: PolicyDecision[]; reference: LoadReference } {
  const drop = signal({ direction: 'in', kind: 'drop', value: -1 });
  let { current, reference } = start;
  const path = [current];
  const decisions: PolicyDecision[] = [];
  for (const [value, peak] of loads) {
    const decision = decide(
      drop,
      ctx({ current, load: load(value, peak), reference: { live: reference, any: null }, ...over }),
    );
    decisions.push(decision);
    if (decision.kind === 'hold') continue;
    current = decision.to;
    reference = referenceAfter(decision, NOW) ?? reference;
    path.push(current);
  }
  return { path, decisions, reference };
}

describe('automatic policy: a reference from a scale-out that lagged the load (scl25)', () => {
  const settings14 = settings({}, { min: 2, max: 40, step: 2, cooldownSeconds: 300 });
  // The bench's flash crowd: 12 -> 14 decided with 1,960 requests/s arriving, 140 per replica where one serves 100.
  const lagged = (): LoadReference => {
    const out = decide(signal({ value: 1 }), ctx({ current: 12, settings: settings14, load: load(1960) }));
    expect(out).toMatchObject({ kind: 'scale', to: 14, perReplica: 140, fromScaleOut: true });
    return referenceAfter(out, NOW)!;
  };
  const flat = Array.from({ length: 5 }, (): [number, number] => [1000, 1000]);
  const learned: KnownCapacity = { perReplica: 100, origin: 'learned from the last 1d' };

  it('without a capacity, a step-limited chain does not build on it: 14 -> 12 at a flat 1,000, then holds', () => {
    const { path, decisions, reference } = dropChain({ current: 14, reference: lagged() }, flat, {
      settings: settings14,
    });
    expect(path).toEqual([14, 12]);
    expect(decisions[0]!.notes).toEqual([
      expect.stringMatching(/^no capacity known and the per-replica load comes from a scale-out/),
    ]);
    expect(reference).toMatchObject({ perReplica: 1000 / 12 });
    expect(reference).not.toHaveProperty('fromScaleOut');
    expect(decisions[1]).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(/needs 12 replicas: holding at 12$/),
    });
  });

  it('with a learned capacity of 100 per replica, the chain stops at the 10 the load needs', () => {
    const { path, decisions } = dropChain({ current: 14, reference: lagged() }, flat, {
      settings: settings14,
      capacity: learned,
    });
    expect(path).toEqual([14, 12, 10]);
    expect(decisions[0]!.notes).toEqual([
      expect.stringMatching(
        /^per-replica load capped at the capacity one replica is known to carry: 100 \(learned from the last 1d\), not 140/,
      ),
    ]);
    expect(decisions[2]).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(
        /at 100 per replica \(the load per replica after the last change\) needs 10 replicas: holding at 10$/,
      ),
    });
  });

  it('a larger step goes no lower than the capacity allows either (14 -> 10 with step 6, 14 -> 8 without one)', () => {
    const step6 = settings({}, { min: 2, max: 40, step: 6, cooldownSeconds: 300 });
    const withCapacity = dropChain({ current: 14, reference: lagged() }, flat, { settings: step6, capacity: learned });
    expect(withCapacity.path).toEqual([14, 10]);
    // Without a capacity the first scale-in uses the scale-out's reference as it is (alr23): the known limit.
    expect(dropChain({ current: 14, reference: lagged() }, flat, { settings: step6 }).path).toEqual([14, 8]);
  });

  it('a capacity above the reference changes nothing, and one that is not a positive number is not used', () => {
    const chain = (capacity: KnownCapacity | null) =>
      dropChain(
        { current: 8, reference: { perReplica: 250, at: NOW } },
        [
          [700, 700],
          [700, 700],
          [700, 700],
          [700, 700],
        ],
        {
          settings: settings14,
          capacity,
        },
      ).path;
    expect(chain(null)).toEqual([8, 6, 4, 3]);
    expect(chain({ perReplica: 300, origin: 'learned' })).toEqual([8, 6, 4, 3]);
    expect(chain({ perReplica: 0, origin: 'not learned' })).toEqual([8, 6, 4, 3]);
    expect(chain({ perReplica: Number.NaN, origin: 'not learned' })).toEqual([8, 6, 4, 3]);
    expect(chain({ perReplica: 200, origin: 'learned' })).toEqual([8, 6, 4]);
  });

  it('caps a dry-run against the dry-run reference too, and the flood give-back', () => {
    const drop = signal({ direction: 'in', kind: 'drop', value: -1 });
    const dry = ctx({
      current: 14,
      settings: settings14,
      load: load(1000),
      reference: { live: null, any: lagged() },
      forceDryRun: true,
      capacity: learned,
    });
    expect(decide(drop, dry)).toMatchObject({ kind: 'scale', to: 12, dryRun: true, perReplica: 100 });
    const flood = ctx({
      current: 14,
      settings: settings14,
      load: load(1000, 1000, { upper: 1100 }),
      reference: { live: lagged(), any: null },
      flood: { live: { before: 8, at: NOW - 3_600_000 }, any: null },
      capacity: learned,
    });
    expect(returnFloodReplicas(flood)).toMatchObject({ kind: 'scale', to: 12, perReplica: 100 });
  });
});

describe('automatic policy: a flat load after a window-limited scale-in (scl25)', () => {
  // atk24's live test in miniature: 1 -> 3 at 30 requests/s (10 per replica), then the rate falls to 8.
  const settings3 = settings({}, { min: 1, max: 4, step: 2, cooldownSeconds: 2 });
  const afterOut = (): LoadReference => {
    const out = decide(signal({ value: 1 }), ctx({ current: 1, settings: settings3, load: load(30) }));
    return referenceAfter(out, NOW)!;
  };

  it('comes down to what the flat load needs: 3 -> 2 while the window holds 19, then 2 -> 1 at a flat 8', () => {
    const { path, decisions, reference } = dropChain(
      { current: 3, reference: afterOut() },
      [
        [8, 19],
        [8, 8.4],
      ],
      { settings: settings3 },
    );
    expect(decisions[0]).toMatchObject({
      kind: 'scale',
      to: 2,
      perReplica: 4,
      aim: { perReplica: 10, fromScaleOut: true },
    });
    expect((decisions[0] as { aim: { upTo: number } }).aim.upTo).toBeCloseTo(8.8, 9);
    expect(path).toEqual([3, 2, 1]);
    expect(reference).toEqual({ perReplica: 8, at: NOW });
  });

  it('keeps the per-replica load the scale-in was held to, not the window ÷ the count (the live run: 13.4 in the window)', () => {
    // 13.4 needs 2 at 10; 13.4 ÷ 2 = 6.7 would ask a flat 8 for 2 again.
    const { path, decisions } = dropChain(
      { current: 3, reference: afterOut() },
      [
        [8, 13.4],
        [8, 8.1],
      ],
      { settings: settings3 },
    );
    expect(decisions[0]).toMatchObject({ kind: 'scale', to: 2, aim: { perReplica: 10 } });
    expect(decisions[1]!.notes).toEqual(['step clamped to min 1']);
    expect(path).toEqual([3, 2, 1]);
  });

  it('a load that rises past the aim gets the load now per replica: held at 2 by a window up to 12', () => {
    const { path, decisions } = dropChain(
      { current: 3, reference: afterOut() },
      [
        [8, 19],
        [8, 12],
      ],
      { settings: settings3 },
    );
    expect(path).toEqual([3, 2]);
    expect(decisions[1]).toMatchObject({
      kind: 'hold',
      reason: expect.stringMatching(/at 4 per replica \(the load per replica after the last change\) needs 3 replicas/),
    });
  });

  it('leaves no aim when the count it got to is also what the load now needs, or the lowest', () => {
    const drop = signal({ direction: 'in', kind: 'drop', value: -1 });
    const ref = { live: afterOut(), any: null };
    // 19 now and in the window: 2 is what the load needs.
    expect(decide(drop, ctx({ current: 3, settings: settings3, load: load(19), reference: ref }))).not.toHaveProperty(
      'aim',
    );
    // 8 now, 9 in the window: straight to min 1.
    expect(decide(drop, ctx({ current: 3, settings: settings3, load: load(8, 9), reference: ref }))).toEqual(
      expect.not.objectContaining({ aim: expect.anything() }),
    );
  });

  it('without a capacity, an aim from a scale-out takes no step-limited chain either', () => {
    // 14 at 140 (the lagged scale-out), a window up to 1,820 while 1,000 arrive: 14 -> 13 with an aim of 140.
    const settings14 = settings({}, { min: 2, max: 40, step: 2, cooldownSeconds: 300 });
    const reference: LoadReference = { perReplica: 140, at: NOW, fromScaleOut: true };
    const { path } = dropChain(
      { current: 14, reference },
      [
        [1000, 1820],
        [1000, 1050],
        [1000, 1000],
        [1000, 1000],
      ],
      { settings: settings14 },
    );
    expect(path).toEqual([14, 13, 11]);
  });

  it('with a capacity, the aim is capped by it', () => {
    // 13 replicas after a window-limited scale-in that aimed at 140 (from the lagged scale-out) with 1,000 arriving.
    const settings14 = settings({}, { min: 2, max: 40, step: 2, cooldownSeconds: 300 });
    const reference: LoadReference = {
      perReplica: 1000 / 13,
      at: NOW,
      aim: { perReplica: 140, upTo: 1100, fromScaleOut: true },
    };
    const drop = signal({ direction: 'in', kind: 'drop', value: -1 });
    const at = (capacity: KnownCapacity | null) =>
      decide(
        drop,
        ctx({
          current: 13,
          settings: settings14,
          load: load(1000),
          reference: { live: reference, any: null },
          capacity,
        }),
      );
    // Without one: 13 -> 11 on the aim, and the next reference is the load now per replica (no chain on it).
    expect(at(null)).toMatchObject({ kind: 'scale', to: 11, perReplica: 1000 / 11 });
    const capped = at({ perReplica: 100, origin: 'learned' });
    expect(capped).toMatchObject({ kind: 'scale', to: 11, perReplica: 100 });
    expect(capped.notes[0]).toMatch(
      /capped at the capacity .*: 100 \(learned\), not 140 \(the load per replica the last scale-in was held to, the load having stayed at or below 1100\)$/,
    );
  });
});

describe('automatic policy: a flood (the attack alerts, and giving their replicas back)', () => {
  // The bench's seed 6 in miniature: 14 replicas at 61 per replica before a 3,000 requests/s flood at 14:00,
  // attack cap 16, step 2, cooldown 300 s; the band's upper bound stays at the organic level (about 940).
  const attack = signal({ attack: true, kind: 'attack_suspected', value: 1 });
  const settings16 = settings({ attackMax: 16 }, { min: 2, max: 40, step: 2, cooldownSeconds: 300 });
  const reference = { live: { perReplica: 61, at: NOW - 3_600_000 }, any: null };
  const flooding = load(3982, 4075, { upper: 941 });
  const over = load(918, 950, { upper: 941 });

  it('absorbs the flood up to the attack cap while the load is above its band, keeping the count before it', () => {
    const decision = decide(attack, ctx({ current: 14, settings: settings16, load: flooding, reference }));
    expect(decision).toEqual({
      kind: 'scale',
      from: 14,
      to: 16,
      dryRun: false,
      notes: [
        'anomaly classified attack-like (attack_suspected)',
        'attack-aware cap: scale-out limited to 16 replicas',
      ],
      flood: { before: 14, at: NOW },
    });
    // A second scale-out of the same flood keeps the count from before the first.
    const again = decide(
      attack,
      ctx({
        current: 4,
        settings: settings16,
        load: flooding,
        flood: { live: { before: 2, at: NOW - 600_000 }, any: null },
      }),
    );
    expect(again).toMatchObject({ kind: 'scale', to: 6, flood: { before: 2, at: NOW } });
  });

  it('adds nothing once the load is back inside its band, though the excursion (and the alert) stays open', () => {
    // 14:11: the flood ended at 14:10, the excursion closes at 14:14; the alert fires on.
    expect(decide(attack, ctx({ current: 4, settings: settings16, load: over, reference }))).toEqual({
      kind: 'hold',
      reason:
        'the flood has stopped: the load now (918) is back inside its band (up to 941); an attack alert adds replicas only while the flood goes on',
      dryRun: false,
      notes: ['anomaly classified attack-like (attack_suspected)'],
    });
  });

  it('adds nothing for one noisy point above a band still at its pre-flood level, when the replicas carry it', () => {
    // 14:11 with an attack cap of 24: 950.8 arrives (legit noise) above a band up to 916.6, the excursion
    // still open; 18 replicas at 61 per replica carry it. Before this rule the alert took 18 -> 20.
    const noisy = load(950.8, 4064, { upper: 916.6 });
    const capped24 = settings({ attackMax: 24 }, { min: 2, max: 40, step: 2, cooldownSeconds: 300 });
    expect(decide(attack, ctx({ current: 18, settings: capped24, load: noisy, reference }))).toMatchObject({
      kind: 'hold',
      reason:
        'the flood has stopped: the 18 replicas carry the load now (950.8 at 61 per replica, the load per replica after the last change); an attack alert adds replicas only while the load needs them',
    });
    // Without the band, the reference alone still tells a flood from the traffic.
    expect(decide(attack, ctx({ current: 14, settings: capped24, load: load(3982, 4075), reference }))).toMatchObject({
      kind: 'scale',
      to: 16,
      notes: [
        'anomaly classified attack-like (attack_suspected)',
        'attack-aware cap: scale-out limited to 24 replicas',
      ],
    });
  });

  it.each<[string, LoadReading]>([
    ['a reading without its band', load(918, 950)],
    ['a stale reading', load(918, 950, { upper: 941, observedAt: NOW - 301_000 })],
    ['no value at the last step', load(null, 950, { upper: 941 })],
  ])(
    'scales out, capped, when the load cannot say the flood stopped, and records it to give back: %s',
    (_, reading) => {
      const decision = decide(attack, ctx({ current: 4, settings: settings16, load: reading }));
      expect(decision).toMatchObject({ kind: 'scale', to: 6, flood: { before: 4 } });
      expect(decision.notes).toContainEqual(
        expect.stringMatching(/^no fresh load reading, with its band or a per-replica load/),
      );
    },
  );

  it('scales out, capped, for a target no watched series carries, recording nothing it could not give back', () => {
    const decision = decide(attack, ctx({ current: 4, settings: settings16, load: null }));
    expect(decision).toMatchObject({ kind: 'scale', to: 6 });
    expect(decision).not.toHaveProperty('flood');
    expect(decision.notes).toContainEqual(expect.stringMatching(/are not given back automatically$/));
  });

  it('never records a flood for an organic scale-out', () => {
    expect(decide(signal(), ctx({ current: 4, settings: settings16, load: over }))).not.toHaveProperty('flood');
  });

  describe('returnFloodReplicas', () => {
    const flood = (before: number) => ({ live: { before, at: NOW - 900_000 }, any: null });
    /** 16 replicas after a flood that found 12, the flood's end 10 minutes back: the window is clean. */
    const after = (over: Partial<PolicyContext> = {}) =>
      ctx({ current: 16, settings: settings16, load: over.load ?? over_, reference, flood: flood(12), ...over });
    const over_ = load(900, 950, { upper: 941 });

    it('gives back one step once the flood is over, held to the load, and keeps the record until all are back', () => {
      // 950 at 61 per replica needs 16: nothing to give back yet; at 70 per replica, 14.
      expect(returnFloodReplicas(after())).toMatchObject({
        kind: 'hold',
        code: 'load',
        reason: expect.stringMatching(/^load up to 950 over the last 300 s at 61 per replica .* needs 16 replicas/),
      });
      const lighter = { live: { perReplica: 70, at: NOW - 3_600_000 }, any: null };
      expect(returnFloodReplicas(after({ reference: lighter }))).toEqual({
        kind: 'scale',
        from: 16,
        to: 14,
        dryRun: false,
        notes: ['giving back the replicas added for a flood (12 before it)'],
        perReplica: 900 / 14,
      });
      // 14 still carry the window's 950; once it is down to 820, 12 do, and the record is done with.
      expect(returnFloodReplicas(after({ current: 14, reference: lighter }))).toMatchObject({
        kind: 'hold',
        code: 'load',
      });
      const last = returnFloodReplicas(
        after({ current: 14, reference: lighter, load: load(800, 820, { upper: 941 }) }),
      );
      expect(last).toMatchObject({ kind: 'scale', from: 14, to: 12, flood: null });
    });

    it('keeps the load per replica it aimed at when the step cuts a give-back short', () => {
      // 700 at 70 per replica needs 10, below the 12 before the flood: 16 -> 14 is cut short by the step.
      const lighter = { live: { perReplica: 70, at: NOW - 3_600_000 }, any: null };
      const low = load(650, 700, { upper: 941 });
      expect(returnFloodReplicas(after({ reference: lighter, load: low }))).toMatchObject({ to: 14, perReplica: 70 });
    });

    it('never goes below the count before the flood, even when the load would allow it', () => {
      const idleLoad = load(100, 120, { upper: 200 });
      const wide = settings({ attackMax: 16 }, { min: 2, max: 40, step: 10, cooldownSeconds: 300 });
      expect(returnFloodReplicas(after({ settings: wide, load: idleLoad }))).toEqual({
        kind: 'scale',
        from: 16,
        to: 12,
        dryRun: false,
        notes: [
          'giving back the replicas added for a flood (12 before it)',
          'step clamped to the 12 replicas before the flood',
        ],
        perReplica: 100 / 12,
        flood: null,
      });
    });

    it.each<[string, Partial<PolicyContext>, string, RegExp]>([
      ['no flood on record', { flood: { live: null, any: null } }, 'none', /no replicas added for a flood/],
      ['automatic scaling off', { settings: { ...settings16, auto: 'off' } }, 'off', /automatic scaling is off/],
      [
        'the cooldown after the last change',
        { lastChange: { live: NOW - 60_000, any: null } },
        'cooldown',
        /^cooldown: 240 s left/,
      ],
      [
        'the flood going on',
        { load: flooding },
        'flood',
        /^the flood goes on: the load now \(3982\) is above its band/,
      ],
      ['no load reading', { load: null }, 'blind', /never scaling in blind/],
      [
        'a stale load reading',
        { load: load(900, 950, { upper: 941, observedAt: NOW - 301_000 }) },
        'blind',
        /no fresh load/,
      ],
      ['a window with a missing step', { load: load(900, null, { upper: 941 }) }, 'window', /not fully observed/],
      [
        "the flood's own load still in the window",
        { load: load(900, 3870, { upper: 941 }) },
        'load',
        /needs 64 replicas/,
      ],
      ['no per-replica reference', { reference: { live: null, any: null } }, 'reference', /no per-replica load known/],
    ])('holds on %s', (_, over, code, reason) => {
      expect(returnFloodReplicas(after(over))).toMatchObject({
        kind: 'hold',
        code,
        reason: expect.stringMatching(reason),
      });
    });

    it('forgets the record once the replicas are back (a drop alert or an operator took them)', () => {
      expect(returnFloodReplicas(after({ current: 12 }))).toMatchObject({ kind: 'hold', code: 'done', flood: null });
      expect(returnFloodReplicas(after({ current: 3 }))).toMatchObject({ kind: 'hold', code: 'done', flood: null });
    });

    it('holds a dry-run to the dry-run record and a live action to the live one', () => {
      const dryOnly = after({ flood: { live: null, any: { before: 12, at: NOW - 900_000 } }, forceDryRun: true });
      const lighter = { live: null, any: { perReplica: 70, at: NOW - 3_600_000 } };
      expect(returnFloodReplicas({ ...dryOnly, reference: lighter })).toMatchObject({
        kind: 'scale',
        to: 14,
        dryRun: true,
      });
      expect(returnFloodReplicas({ ...dryOnly, forceDryRun: false })).toMatchObject({ kind: 'hold', code: 'none' });
    });
  });
});
