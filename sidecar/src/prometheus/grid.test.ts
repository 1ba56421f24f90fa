import { gridOf, indexOf, timeAt } from '../series/grid.js';
import { formatSeconds, splitGrid, PROMETHEUS_MAX_POINTS } from './grid.js';

describe('gridOf', () => {
  it('includes both ends when the range is a whole number of steps', () => {
    expect(gridOf(1000, 1600, 60)).toEqual({ startMs: 1000000, stepMs: 60000, count: 11 });
  });

  it('stops at the last grid point before an end that is off the grid', () => {
    expect(gridOf(0, 59.999, 15).count).toBe(4);
  });

  it('keeps millisecond steps exact where floating-point seconds would drift', () => {
    const grid = gridOf(1700000000.1, 1700000000.1 + 0.3 * 1000, 0.3);
    expect(grid.count).toBe(1001);
    expect(timeAt(grid, 1000)).toBe(1700000300.1);
  });

  it('refuses a zero step and an end before the start', () => {
    expect(() => gridOf(0, 10, 0)).toThrow(/step/);
    expect(() => gridOf(10, 0, 1)).toThrow(/before/);
  });
});

describe('indexOf', () => {
  const grid = gridOf(100, 200, 10);
  it('finds grid points and rejects timestamps off the grid or outside it', () => {
    expect(indexOf(grid, 100)).toBe(0);
    expect(indexOf(grid, 200)).toBe(10);
    expect(indexOf(grid, 105)).toBe(-1);
    expect(indexOf(grid, 90)).toBe(-1);
    expect(indexOf(grid, 210)).toBe(-1);
  });
});

describe('splitGrid', () => {
  it('leaves a range within the limit as one request', () => {
    const grid = gridOf(0, 10999 * 60, 60);
    expect(grid.count).toBe(PROMETHEUS_MAX_POINTS);
    expect(splitGrid(grid)).toHaveLength(1);
  });

  it('covers every grid point exactly once across chunk seams', () => {
    const grid = gridOf(1700000000, 1700000000 + 40319 * 15, 15);
    const chunks = splitGrid(grid);
    expect(chunks.map((c) => c.grid.count)).toEqual([11000, 11000, 11000, 7320]);
    const seen: number[] = [];
    for (const chunk of chunks) {
      for (let k = 0; k < chunk.grid.count; k++) seen.push(indexOf(grid, timeAt(chunk.grid, k)));
    }
    expect(seen).toEqual(Array.from({ length: grid.count }, (_, k) => k));
  });

  it('starts each chunk one step after the previous one ends', () => {
    const chunks = splitGrid(gridOf(0, 99, 1), 30);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!.grid;
      expect(chunks[i]!.grid.startMs).toBe(previous.startMs + previous.count * previous.stepMs);
    }
    expect(chunks.map((c) => c.first)).toEqual([0, 30, 60, 90]);
  });
});

describe('formatSeconds', () => {
  it('prints whole and fractional seconds without float noise', () => {
    expect(formatSeconds(1700000000000)).toBe('1700000000');
    expect(formatSeconds(1700000000100)).toBe('1700000000.1');
    expect(formatSeconds(15000)).toBe('15');
    expect(formatSeconds(0)).toBe('0');
  });
});
