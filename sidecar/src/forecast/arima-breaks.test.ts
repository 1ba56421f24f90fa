import { rng } from './__fixtures__/simulate.js';
import {
  BREAK_FACTOR,
  fitOrder,
  hasBreaks,
  searchOptimizer,
  stepwiseSearch,
  type OrderAttempt,
} from './arima-order.js';
import { ArimaMethod, ArimaOptimizer } from './arima-wasm.js';

/** A raw counter (increments about 50 a step) that had counted to millions and restarts from zero every 700 steps. */
function counter(n: number, seed: number): number[] {
  const r = rng(seed);
  let c = 1e7;
  return Array.from({ length: n }, (_, t) => {
    if (t % 700 === 350) c = 0;
    return (c += Math.max(0, Math.round(50 + 7 * r.normal())));
  });
}

function walk(n: number, seed: number): number[] {
  const r = rng(seed);
  let level = 100;
  return Array.from({ length: n }, () => (level += r.normal()));
}

describe('breaks in the differences choose the order search optimiser', () => {
  it("finds a counter's resets, and none in a random walk, level steps or a stationary series", () => {
    expect(hasBreaks(counter(1500, 1), 1)).toBe(true);
    expect(hasBreaks(walk(1500, 2), 1)).toBe(false);
    const r = rng(3);
    let level = 100;
    // The shape suite's level steps: jumps of 30 under a noise of 2, a few times the 95% quantile of the steps.
    const steps = Array.from({ length: 1500 }, (_, t) => (t % 400 === 200 ? (level += 30) : level) + 2 * r.normal());
    expect(hasBreaks(steps, 1)).toBe(false);
    // Undifferenced fits keep the default whatever the values do.
    expect(hasBreaks(counter(1500, 4), 0)).toBe(false);
  });

  it(`counts a difference as a break only beyond ${BREAK_FACTOR} times the 95% quantile of them all`, () => {
    const rising = Array.from({ length: 200 }, (_, t) => t);
    const jump = (size: number): number[] => rising.map((v, t) => (t >= 100 ? v + size : v));
    expect(hasBreaks(jump(BREAK_FACTOR * 0.9), 1)).toBe(false);
    expect(hasBreaks(jump(BREAK_FACTOR * 1.1), 1)).toBe(true);
    // Steps that are mostly zero have no scale to stand out from.
    expect(
      hasBreaks(
        Array.from({ length: 200 }, (_, t) => (t < 100 ? 0 : 1e6)),
        1,
      ),
    ).toBe(false);
    expect(hasBreaks(jump(1e6).slice(0, 15), 1)).toBe(false);
  });

  it('fits with BFGS where the differences break and with L-BFGS elsewhere', () => {
    expect(searchOptimizer(counter(1500, 5), 1)).toBe(ArimaOptimizer.Bfgs);
    expect(searchOptimizer(walk(1500, 6), 1)).toBe(ArimaOptimizer.Lbfgs);
  });

  it("lands on the same order and AICc as L-BFGS on a counter's resets", () => {
    for (const seed of [7, 8]) {
      const y = counter(1500, seed);
      const lbfgs: OrderAttempt[] = [];
      const bfgs: OrderAttempt[] = [];
      const slow = stepwiseSearch(y, 1, ArimaMethod.Css, lbfgs, undefined, ArimaOptimizer.Lbfgs)!;
      const fast = stepwiseSearch(y, 1, ArimaMethod.Css, bfgs)!;
      expect(fast.order).toEqual(slow.order);
      expect(fast.drift).toBe(slow.drift);
      expect(bfgs.map((a) => [a.order, a.drift])).toEqual(lbfgs.map((a) => [a.order, a.drift]));
      bfgs.forEach((a, i) => expect(a.aicc!).toBeCloseTo(lbfgs[i]!.aicc!, 1));
      const again = fitOrder(y, fast.order, ArimaMethod.Css, fast.drift, ArimaOptimizer.Bfgs);
      expect(again.aicc).toBe(fast.fit.aicc);
    }
  });
});
