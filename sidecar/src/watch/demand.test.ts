import { readDemand } from './demand.js';
import { RecentValues } from './signals.js';
import type { Watcher } from './watcher.js';

/** A watcher with just what readDemand reads: its series' labels, target, verdict and recent values. */
function watcher(series: Array<{ instance: string; values: Array<number | null> }>): Watcher {
  const states = series.map(({ instance, values }) => {
    const recent = new RecentValues();
    for (const v of values) recent.push(v);
    const last = values[values.length - 1] ?? null;
    return [
      instance,
      {
        labels: { instance },
        target: 'swarm:web',
        present: last !== null,
        verdict: { t: 600, value: last, forecast: last },
        recent,
        detector: { outlook: () => null },
      },
    ];
  });
  return {
    name: 'rx',
    spec: { stepSeconds: 60 },
    series: new Map(states as Array<[string, unknown]>),
    kindOf: () => null,
  } as unknown as Watcher;
}

describe('readDemand', () => {
  it("sums the target's series step by step, newest first, a step missing in any series unknown", () => {
    const demand = readDemand(
      [
        watcher([
          { instance: 'a', values: [10, 20, null, 40] },
          // Joined a step later than a.
          { instance: 'b', values: [1, 2, 3] },
        ]),
      ],
      { target: 'swarm:web' },
      60,
    );
    expect(demand).toMatchObject({ actual: 43, observedAt: 600_000, recent: [43, null, 21] });
  });

  it('answers null for a target no series carries', () => {
    expect(readDemand([watcher([{ instance: 'a', values: [1] }])], { target: 'swarm:other' }, 60)).toBeNull();
  });
});
