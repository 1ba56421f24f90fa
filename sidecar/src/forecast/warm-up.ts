/**
 * A fit run once when a worker thread starts, before any request: the first fit in a fresh
 * thread pays for instantiating ctsa's WASM and for compiling every hot path (periods, MSTL, the
 * order search, calibration), several times what a warm fit costs. Done here, a request never
 * meets a cold worker once the pool has started. The series is fixed (no randomness, no clock):
 * two days of a 4-hour cycle at 1-minute steps with a deterministic wobble.
 */
import { fitModel } from './fit.js';

const POINTS = 2880;

export function warmUp(): void {
  const values = Array.from(
    { length: POINTS },
    (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 240) + 3 * Math.sin(t * 1.7) + 2 * Math.cos(t * 0.31),
  );
  const model = fitModel(values, { stepSeconds: 60, model: 'auto', confidence: 0.95 });
  model.forecast(60, 0.95);
  const predictor = model.predictor();
  for (let t = 0; t < 60; t++) {
    predictor.peek();
    predictor.observe(values[t]!);
  }
  model.destroy();
}
