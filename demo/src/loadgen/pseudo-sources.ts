import type { Plan } from './profiles.js';

/** The address block each pool draws from; distinct blocks so a glance at a source tells user from attacker. */
const POOLS: Record<Plan['pool'], [number, number]> = {
  // 10.0.0.0/8: "users".
  users: [10, 0],
  // 100.64.0.0/10 (shared address space): "attackers".
  attackers: [100, 64],
};

/** Largest pool a plan may ask for: 2^22 addresses fit in 100.64.0.0/10. */
export const MAX_POOL = 1 << 22;

/** The `index`-th address of a pool, as a dotted quad. Same index, same address, so a user keeps its address. */
export function sourceAddress(pool: Plan['pool'], index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_POOL) {
    throw new RangeError(`source index must be a whole number in 0..${MAX_POOL - 1}, got ${index}`);
  }
  const [a, b] = POOLS[pool];
  const second = b + ((index >>> 16) & 0x3f);
  return `${a}.${second}.${(index >>> 8) & 0xff}.${index & 0xff}`;
}

/** A source for the next request: uniform over the plan's active sources. `random` is in [0, 1). */
export function pickSource(plan: Pick<Plan, 'pool' | 'sources'>, random: number): string {
  const count = Math.max(1, Math.min(MAX_POOL, Math.floor(plan.sources)));
  return sourceAddress(plan.pool, Math.min(count - 1, Math.floor(random * count)));
}
