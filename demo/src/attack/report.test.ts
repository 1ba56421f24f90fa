import { Seen, describeEntry, extractItems, labelsText, sinceOnset } from './report.js';

describe('demo:attack report helpers', () => {
  it('finds the list in an array or a wrapped answer', () => {
    expect(extractItems([1, 2])).toEqual([1, 2]);
    expect(extractItems({ total: 2, items: ['a'] })).toEqual(['a']);
    expect(extractItems({ entries: ['b'] })).toEqual(['b']);
    expect(extractItems({ nothing: 1 })).toEqual([]);
    expect(extractItems(undefined)).toEqual([]);
  });

  it('lets each item through once, by id or by content', () => {
    const seen = new Seen();
    expect(seen.fresh([{ id: 1 }, { id: 2, x: 1 }])).toHaveLength(2);
    expect(seen.fresh([{ id: 2, x: 2 }, { id: 3 }, 'plain', 'plain'])).toEqual([{ id: 3 }, 'plain']);
    expect(seen.size).toBe(4);
  });

  it('lets an item with a known id through again when its status changed', () => {
    const seen = new Seen();
    expect(seen.fresh([{ id: 'a', status: 'in_progress' }])).toHaveLength(1);
    expect(seen.fresh([{ id: 'a', status: 'in_progress' }])).toHaveLength(0);
    expect(seen.fresh([{ id: 'a', status: 'applied' }])).toEqual([{ id: 'a', status: 'applied' }]);
  });

  it('prints labels sorted and without the metric name', () => {
    expect(labelsText({ __name__: 'ntma_anomaly', watcher: 'web', job: 'x' })).toBe('{job="x", watcher="web"}');
  });

  it('prints the delay since onset with a sign', () => {
    expect(sinceOnset(1000, 13340)).toBe('+12.3s');
    expect(sinceOnset(5000, 4000)).toBe('-1.0s');
  });

  it('describes a scale entry from its well-known fields', () => {
    expect(
      describeEntry({
        target: 'ntma/web',
        phase: 'applied',
        before: 1,
        after: 3,
        dryRun: true,
        source: 'alert',
        reason: 'spike',
      }),
    ).toBe('target ntma/web applied replicas 1 → 3 (dry-run) from alert — spike');
    expect(
      describeEntry({
        target: 'compose:ntma-native:web',
        status: 'held',
        before: 3,
        after: 3,
        source: 'alert',
        who: 'alertmanager-alert:ntma-sidecar',
        reason: 'alert Traffic looks like an attack (attack_suspected): scale out',
        detail: 'cooldown: 40 s left',
      }),
    ).toBe(
      'target compose:ntma-native:web held replicas 3 → 3 from alert by alertmanager-alert:ntma-sidecar' +
        ' — alert Traffic looks like an attack (attack_suspected): scale out (cooldown: 40 s left)',
    );
    expect(describeEntry({ other: 1 })).toBe('{"other":1}');
    expect(describeEntry(7)).toBe('7');
  });
});
