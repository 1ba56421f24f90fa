import { fitModel } from './fit.js';
import { MIN_GAIN } from './periods.js';
import { warmUp, warmUpFits } from './warm-up.js';

describe('worker warm-up', () => {
  it('runs a full fit, forecast and one-step pass without throwing, every time', () => {
    expect(() => warmUp()).not.toThrow();
    expect(() => warmUp()).not.toThrow();
  });

  it("takes the paths requests take: the bands API's checks, the square root and the log, seasons weak and strong, over a level and a wandering one, counters at random and on a schedule, bursts on a floor, outright orders", () => {
    const fits = warmUpFits();
    const searched = fits.filter(({ spec }) => spec.model === 'auto');
    // Every searched fit asks for what the bands API asks for; the outright orders for nothing, as watchers do.
    expect(
      searched.every(
        ({ spec }) =>
          spec.transform === 'auto' &&
          spec.alternation === 'auto' &&
          spec.endOutliers === 'auto' &&
          spec.seasonNoise === 'auto' &&
          spec.breaks === 'auto',
      ),
    ).toBe(true);
    expect(fits.filter(({ spec }) => spec.model !== 'auto' && spec.transform === undefined)).toHaveLength(4);
    const models = searched.map(({ values, spec }) => {
      const model = fitModel(values, spec);
      const { name } = model;
      const { counter, diagnostics } = model.snapshot();
      model.destroy();
      return { name, counter, periods: diagnostics.periods, spikes: diagnostics.spikes, breaks: diagnostics.breaks };
    });
    const names = models.map(({ name }) => name);
    expect(names.some((name) => /^sqrt\+mstl\[\d+\]\+arima/.test(name))).toBe(true);
    // A day trusted on its block means alone, in the square root of counts.
    expect(
      models.some(({ periods }) =>
        periods.some((c) => c.rejected === null && c.gain! < MIN_GAIN && c.blockGain! >= MIN_GAIN),
      ),
    ).toBe(true);
    // Noise proportional to the level: the log space's fit is kept.
    expect(names.some((name) => /^log\+mstl\[\d+\]\+arima/.test(name))).toBe(true);
    expect(names.some((name) => /^mstl\[\d+\]\+arima\(\d,0,/.test(name))).toBe(true);
    // A season over a wandering level: the re-decomposition runs a differenced filter.
    expect(names.some((name) => /^mstl\[\d+\]\+arima\(\d,1,/.test(name))).toBe(true);
    // Counts differenced in the square root's space too, as the suite's Poisson counts at some origins.
    expect(names.some((name) => /^sqrt\+mstl\[\d+\]\+arima\(\d,1,/.test(name))).toBe(true);
    // The counter: its resets undone, a differenced search on what its rate's line leaves.
    expect(names.some((name) => /^counter\+arima\(\d,1,\d\)/.test(name))).toBe(true);
    // Counters whose resets come at the window's rate, and one whose resets keep a schedule with a restart due
    // inside the 60-step forecast (scheduleInterval's restart path).
    expect(models.some(({ counter }) => counter && counter.resetRate > 0 && !counter.schedule)).toBe(true);
    expect(models.some(({ counter }) => counter?.schedule && counter.schedule.gap - counter.schedule.age <= 60)).toBe(
      true,
    );
    // A level that fell to a floor with bursts on it: no season, a level break, spikes, the plain model kept after the
    // full search (NAB grok's shape; a worker's first fit of grok 45 -> 34 ms with it, stop 38).
    expect(
      models.some(({ name, spikes, breaks }) => /^arima\(\d,1,\d\)$/.test(name) && (breaks ?? 0) >= 1 && spikes >= 20),
    ).toBe(true);
  });
});
