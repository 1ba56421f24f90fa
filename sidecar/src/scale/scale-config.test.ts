import { loadConfig } from '../config.js';

describe('scaling configuration', () => {
  it('defaults to dry-run automatic actions and the documented limits', () => {
    expect(loadConfig({}).scale).toEqual({
      autoDryRun: true,
      attackMax: 3,
      staleSeconds: 300,
      stopGraceSeconds: 10,
      idempotencyTtlSeconds: 86400,
      evalSeconds: 15,
    });
  });

  it('reads live automatic scaling and the attack cap', () => {
    const { scale } = loadConfig({ NTMA_SCALE_AUTO_DRY_RUN: 'false', NTMA_SCALE_ATTACK_MAX: '5' });
    expect(scale).toMatchObject({ autoDryRun: false, attackMax: 5 });
  });

  it('names the variable for a value that is not a boolean or out of range', () => {
    expect(() => loadConfig({ NTMA_SCALE_AUTO_DRY_RUN: 'perhaps' })).toThrow(
      /NTMA_SCALE_AUTO_DRY_RUN: expected true or false/,
    );
    expect(() => loadConfig({ NTMA_SCALE_STALE_SECONDS: '0' })).toThrow(/NTMA_SCALE_STALE_SECONDS/);
  });
});
