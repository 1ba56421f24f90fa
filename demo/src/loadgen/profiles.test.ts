import {
  DEFAULT_ATTACK,
  DEFAULT_NORMAL,
  type NormalProfile,
  attackStage,
  checkAttack,
  checkNormal,
  dayPhase,
  diurnalShape,
  normalRps,
  normalSources,
  plan,
} from './profiles.js';

const day: NormalProfile = { ...DEFAULT_NORMAL, periodSeconds: 100, minRps: 10, maxRps: 110, peakAt: 0.5, noise: 0.2 };

describe('the normal (diurnal) profile', () => {
  it('places a time in the compressed day by wall clock', () => {
    expect(dayPhase(0, 100)).toBe(0);
    expect(dayPhase(250, 100)).toBeCloseTo(0.5);
    expect(dayPhase(-25, 100)).toBeCloseTo(0.75);
  });

  it('peaks at peakAt and bottoms out half a day away', () => {
    expect(diurnalShape(0.5, 0.5)).toBeCloseTo(1);
    expect(diurnalShape(0, 0.5)).toBeCloseTo(0);
    expect(diurnalShape(0.25, 0.5)).toBeCloseTo(0.5);
  });

  it('runs from minRps at night to maxRps at the peak', () => {
    expect(normalRps(day, 50)).toBeCloseTo(110);
    expect(normalRps(day, 0)).toBeCloseTo(10);
    expect(normalRps(day, 100)).toBeCloseTo(10);
  });

  it('repeats every period', () => {
    for (const t of [3, 17, 42, 81]) expect(normalRps(day, t + 100)).toBeCloseTo(normalRps(day, t));
  });

  it('keeps jitter within ±noise and clamps wild jitter', () => {
    expect(normalRps(day, 50, 1)).toBeCloseTo(110 * 1.2);
    expect(normalRps(day, 50, -1)).toBeCloseTo(110 * 0.8);
    expect(normalRps(day, 50, 7)).toBeCloseTo(110 * 1.2);
  });

  it('grows its sources with the load, as more users do', () => {
    const quiet = normalSources(day, normalRps(day, 0));
    const busy = normalSources(day, normalRps(day, 50));
    expect(busy / quiet).toBeCloseTo(110 / 10, 0);
    expect(normalSources(day, 0)).toBe(1);
  });
});

describe('the attack profile', () => {
  const attack = { ...DEFAULT_ATTACK, floodSeconds: 30, smallPacketSeconds: 20 };

  it('floods first, then sends small packets, then is over', () => {
    expect(attackStage(attack, 0)).toEqual({ stage: 'flood', remaining: 30 });
    expect(attackStage(attack, 29.5).stage).toBe('flood');
    expect(attackStage(attack, 30)).toEqual({ stage: 'small-packet', remaining: 20 });
    expect(attackStage(attack, 50).stage).toBe('normal');
  });

  it('plans a keep-alive flood from the whole attacker pool', () => {
    const p = plan({ normal: day, attack, nowSeconds: 1010, attackStartedAt: 1000 });
    expect(p).toMatchObject({
      profile: 'attack',
      stage: 'flood',
      rps: attack.floodRps,
      transport: 'keep-alive',
      pool: 'attackers',
      sources: attack.floodSources,
      stageRemainingSeconds: 20,
    });
  });

  it('plans tiny connections in the small-packet stage', () => {
    const p = plan({ normal: day, attack, nowSeconds: 1035, attackStartedAt: 1000 });
    expect(p).toMatchObject({ stage: 'small-packet', transport: 'tiny-connection', rps: attack.smallPacketRps });
    expect(p.sources).toBe(attack.smallPacketSources);
  });

  it('goes back to the normal plan once the attack is over', () => {
    const p = plan({ normal: day, attack, nowSeconds: 1050, attackStartedAt: 1000 });
    expect(p).toMatchObject({ profile: 'normal', stage: 'normal', pool: 'users', transport: 'keep-alive' });
    expect(p.rps).toBeCloseTo(normalRps(day, 1050));
  });
});

describe('profile validation', () => {
  it('accepts the defaults', () => {
    expect(() => checkNormal(DEFAULT_NORMAL)).not.toThrow();
    expect(() => checkAttack(DEFAULT_ATTACK)).not.toThrow();
  });

  it.each([
    [{ periodSeconds: 0 }, /periodSeconds/],
    [{ minRps: -1 }, /minRps/],
    [{ minRps: 50, maxRps: 10 }, /maxRps \(10\) must not be below minRps \(50\)/],
    [{ peakAt: 1 }, /peakAt/],
    [{ noise: 0.9 }, /noise/],
    [{ rpsPerSource: 0 }, /rpsPerSource/],
  ])('rejects a normal profile with %o', (change, message) => {
    expect(() => checkNormal({ ...DEFAULT_NORMAL, ...change })).toThrow(message);
  });

  it.each([
    [{ floodRps: Number.NaN }, /floodRps/],
    [{ floodSources: 0 }, /floodSources/],
    [{ smallPacketSources: 2.5 }, /smallPacketSources/],
    [{ smallPacketSeconds: -3 }, /smallPacketSeconds/],
  ])('rejects an attack profile with %o', (change, message) => {
    expect(() => checkAttack({ ...DEFAULT_ATTACK, ...change })).toThrow(message);
  });
});
