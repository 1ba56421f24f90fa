import {
  LEARN_QUANTILE,
  MIN_HEALTHY_SAMPLES,
  joinHistory,
  learnCapacity,
  type HistoryStep,
} from './capacity-learning.js';

/** `n` steps of a service at `perReplica` x `replicas` with latency `health`, from t = 0 every 60 s. */
const steps = (n: number, at: (k: number) => Partial<HistoryStep>): HistoryStep[] =>
  Array.from({ length: n }, (_, k) => ({ t: k * 60, signal: 100, replicas: 2, health: 0.1, ...at(k) }));

describe('learnCapacity', () => {
  it('learns a high quantile of the signal per running replica while healthy', () => {
    // Per replica 10..109 over 100 healthy steps: the 95th percentile is 104.
    const history = steps(100, (k) => ({ signal: 2 * (10 + k), replicas: 2 }));
    const learned = learnCapacity(history, 0.25);
    expect(learned).toMatchObject({ ok: true, observed: 100, healthy: 100 });
    expect(learned.ok && learned.perReplica).toBe(10 + Math.floor(LEARN_QUANTILE * 99));
  });

  it('leaves out unhealthy steps: what one replica served while latency was too high is not its capacity', () => {
    // Healthy at up to 50 per replica; at 80 per replica latency went to 2 s.
    const history = steps(100, (k) =>
      k % 2 === 0 ? { signal: 100, replicas: 2, health: 0.1 } : { signal: 160, replicas: 2, health: 2 },
    );
    const learned = learnCapacity(history, 0.25);
    expect(learned).toMatchObject({ ok: true, perReplica: 50, healthy: 50, observed: 100, healthiestAt: 0.1 });
  });

  it('divides by the replicas running at each step', () => {
    const history = steps(60, (k) => ({ signal: k < 30 ? 40 : 120, replicas: k < 30 ? 1 : 3 }));
    expect(learnCapacity(history, 1)).toMatchObject({ ok: true, perReplica: 40 });
  });

  it.each<[string, HistoryStep[], RegExp]>([
    ['no history at all', [], /only 0 healthy steps/],
    ['too few healthy steps', steps(MIN_HEALTHY_SAMPLES - 1, () => ({})), /only 29 healthy steps .* 30 needed/],
    ['steps with a missing series', steps(100, (k) => (k > 10 ? { health: null } : {})), /only 11 healthy/],
    ['no replica running', steps(100, () => ({ replicas: 0 })), /only 0 healthy/],
    ['no traffic', steps(100, () => ({ signal: 0 })), /only 0 healthy/],
    ['mostly unhealthy', steps(200, (k) => ({ health: k < 35 ? 0.1 : 3 })), /healthy in only 35 of 200/],
  ])('refuses rather than guess on %s', (_, history, reason) => {
    const learned = learnCapacity(history, 0.25);
    expect(learned.ok).toBe(false);
    expect(!learned.ok && learned.reason).toMatch(reason);
  });
});

describe('joinHistory', () => {
  it('sums signal and replicas across series, takes the worst health, and keeps a gap unknown', () => {
    const joined = joinHistory(1000, 60, 3, {
      signal: [
        [10, 20, null],
        [5, 5, 5],
      ],
      replicas: [[1, 2, 2]],
      health: [
        [0.1, 0.3, 0.2],
        [0.2, null, 0.1],
      ],
    });
    expect(joined).toEqual([
      { t: 1000, signal: 15, replicas: 1, health: 0.2 },
      { t: 1060, signal: 25, replicas: 2, health: 0.3 },
      { t: 1120, signal: null, replicas: 2, health: 0.2 },
    ]);
    expect(joinHistory(0, 60, 1, { signal: [], replicas: [[1]], health: [[0]] })[0]!.signal).toBeNull();
  });
});
