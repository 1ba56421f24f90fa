import { DemandHistory } from './demand-history.js';

const WINDOW = 60_000;
const GAP = 20_000;

describe('DemandHistory', () => {
  it('gives the highest organic value over a fully observed window', () => {
    const history = new DemandHistory();
    for (let t = 0; t <= 120_000; t += 10_000) history.record('a', t, t === 90_000 ? 50 : 10, false);
    expect(history.peak('a', 120_000, WINDOW, GAP)).toBe(50);
    expect(history.peak('a', 120_000 + 30_000, WINDOW, GAP)).toBeNull();
  });

  it('is not fully observed with a missing sample or a hole in the window', () => {
    const missing = new DemandHistory();
    for (let t = 0; t <= 120_000; t += 10_000) missing.record('a', t, t === 100_000 ? null : 10, false);
    expect(missing.peak('a', 120_000, WINDOW, GAP)).toBeNull();
    const hole = new DemandHistory();
    for (const t of [0, 10_000, 20_000, 30_000, 40_000, 50_000, 90_000, 100_000, 110_000, 120_000]) {
      hole.record('a', t, 10, false);
    }
    expect(hole.peak('a', 120_000, WINDOW, GAP)).toBeNull();
  });

  it('is not fully observed before the window has passed', () => {
    const history = new DemandHistory();
    for (let t = 0; t <= 30_000; t += 10_000) history.record('a', t, 10, false);
    expect(history.peak('a', 30_000, WINDOW, GAP)).toBeNull();
  });

  it('leaves attack-suspected samples out of the peak, and keeps a sample read twice once', () => {
    const history = new DemandHistory();
    for (let t = 0; t <= 120_000; t += 10_000) history.record('a', t, t === 100_000 ? 900 : 10, t === 100_000);
    history.record('a', 120_000, 500, false);
    expect(history.peak('a', 120_000, WINDOW, GAP)).toBe(10);
    expect(history.previous('a', 110_000)).toBe(900);
    expect(history.previous('a', 120_000)).toBe(10);
  });
});

describe('DemandHistory one-step errors', () => {
  it('gives value - predicted of organic samples in the window, oldest first', () => {
    const history = new DemandHistory();
    history.record('a', 10_000, 100, false, { predicted: 120 });
    history.record('a', 20_000, 110, false, { predicted: 115, excursion: true });
    history.record('a', 30_000, null, false, { predicted: 118 });
    history.record('a', 40_000, 900, true, { predicted: 118 });
    history.record('a', 50_000, 105, false, { predicted: null });
    history.record('a', 60_000, 112, false, { predicted: 130 });
    expect(history.errors('a', 60_000, 60_000)).toEqual([-20, -18]);
    expect(history.errors('a', 60_000, 30_000)).toEqual([-18]);
    expect(history.errors('b', 60_000, 60_000)).toEqual([]);
  });
});
