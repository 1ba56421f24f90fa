import { BadRequest, LimitExceeded } from '../errors.js';
import { resolveManualChange } from './limits.js';

const limits = { min: 1, max: 5, step: 1, cooldownSeconds: 60 };

describe('resolveManualChange', () => {
  it('takes an absolute count or a relative change', () => {
    expect(resolveManualChange(2, { replicas: 4 }, limits)).toBe(4);
    expect(resolveManualChange(2, { delta: 3 }, limits)).toBe(5);
    expect(resolveManualChange(2, { delta: -1 }, limits)).toBe(1);
  });

  it('refuses, never clamps, a count above max', () => {
    expect(() => resolveManualChange(5, { delta: 1 }, limits)).toThrow(LimitExceeded);
    expect(() => resolveManualChange(2, { replicas: 6 }, limits)).toThrow(
      /replicas: 6 replicas is above the target's max 5/,
    );
  });

  it('refuses a count below min and names the field', () => {
    expect(() => resolveManualChange(1, { delta: -1 }, limits)).toThrow(
      /delta: 0 replicas is below the target's min 1/,
    );
  });

  it('refuses a move that stays outside the limits even when it goes the right way', () => {
    expect(() => resolveManualChange(9, { delta: -1 }, limits)).toThrow(LimitExceeded);
  });

  it('wants exactly one of replicas and delta, and a non-zero delta', () => {
    expect(() => resolveManualChange(2, {}, limits)).toThrow(BadRequest);
    expect(() => resolveManualChange(2, { replicas: 3, delta: 1 }, limits)).toThrow(/exactly one/);
    expect(() => resolveManualChange(2, { delta: 0 }, limits)).toThrow(/delta: must not be 0/);
  });
});
