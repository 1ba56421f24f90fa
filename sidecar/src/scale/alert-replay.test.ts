import { AlertReplayGuard } from './alert-replay.js';

describe('AlertReplayGuard', () => {
  let now = 0;
  const guard = (maxEntries = 100, maxAgeMs = 60_000) => new AlertReplayGuard({ maxEntries, maxAgeMs, now: () => now });
  beforeEach(() => {
    now = 1_000_000;
  });

  it('answers a second delivery of a decided key with the first decision', () => {
    const g = guard();
    expect(g.claim('a')).toEqual({ fresh: true });
    g.settle('a', { decision: 'scaled', auditId: 'x1' });
    expect(g.claim('a')).toEqual({ fresh: false, first: { decision: 'scaled', auditId: 'x1', at: now } });
    expect(g.claim('b')).toEqual({ fresh: true });
  });

  it('answers a concurrent duplicate as in progress, and lets a released key be decided again', () => {
    const g = guard();
    g.claim('a');
    expect(g.claim('a')).toEqual({ fresh: false, first: { decision: 'in_progress', at: now } });
    g.release('a');
    expect(g.claim('a')).toEqual({ fresh: true });
  });

  it('forgets decided keys older than maxAgeMs', () => {
    const g = guard(100, 60_000);
    g.claim('old');
    g.settle('old', { decision: 'held' });
    now += 30_000;
    g.claim('newer');
    g.settle('newer', { decision: 'held' });
    now += 40_000;
    expect(g.claim('old')).toEqual({ fresh: true });
    expect(g.claim('newer').fresh).toBe(false);
  });

  it('never holds more than maxEntries, dropping the oldest decided ones first', () => {
    const g = guard(1000, 3_600_000);
    for (let i = 0; i < 5000; i++) {
      g.claim(`k${i}`);
      g.settle(`k${i}`, { decision: 'dry_run' });
      now += 1;
    }
    expect(g.size).toBe(1000);
    expect(g.claim('k4999').fresh).toBe(false);
    expect(g.claim('k0')).toEqual({ fresh: true });
  });
});
