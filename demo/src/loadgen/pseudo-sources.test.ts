import { MAX_POOL, pickSource, sourceAddress } from './pseudo-sources.js';

describe('pseudo-sources', () => {
  it('maps an index to a stable dotted quad in its pool', () => {
    expect(sourceAddress('users', 0)).toBe('10.0.0.0');
    expect(sourceAddress('users', 258)).toBe('10.0.1.2');
    expect(sourceAddress('attackers', 0)).toBe('100.64.0.0');
    expect(sourceAddress('attackers', MAX_POOL - 1)).toBe('100.127.255.255');
  });

  it('gives distinct addresses to distinct indices', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 70000; i++) seen.add(sourceAddress('attackers', i));
    expect(seen.size).toBe(70000);
  });

  it('rejects an index outside the pool', () => {
    expect(() => sourceAddress('users', -1)).toThrow(/source index/);
    expect(() => sourceAddress('users', MAX_POOL)).toThrow(/source index/);
    expect(() => sourceAddress('users', 1.5)).toThrow(/source index/);
  });

  it('picks uniformly among the active sources only', () => {
    expect(pickSource({ pool: 'users', sources: 4 }, 0)).toBe('10.0.0.0');
    expect(pickSource({ pool: 'users', sources: 4 }, 0.999999)).toBe('10.0.0.3');
    expect(pickSource({ pool: 'attackers', sources: 0 }, 0.7)).toBe('100.64.0.0');
  });
});
