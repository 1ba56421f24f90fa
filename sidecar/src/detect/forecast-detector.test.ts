import { fakeFit, fakeModel, normals } from './__fixtures__/fake-model.js';
import { DEFAULT_DETECTOR, ForecastDetector, type WithholdScope } from './forecast-detector.js';
import { scoreFromLog10Tail } from './tail.js';
import type { Verdict } from './types.js';

const STEP = 300;
const T0 = 1_700_000_000;

/** Streams values through the detector, fitting whenever it asks, as the backtest does. */
function stream(detector: ForecastDetector, values: Array<number | null>, fit = fakeFit(), from = 0): Verdict[] {
  return values.map((value, i) => {
    if (detector.wantsModel())
      detector.install(fit(detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
    return detector.update(T0 + (from + i) * STEP, value);
  });
}

const noise = (n: number, seed = 1): number[] => normals(n, seed).map((z) => 100 + z);

describe('ForecastDetector', () => {
  it('warms up without scores until it has enough points for a model, then asks for one', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 50 * STEP });
    for (let i = 0; i < 49; i += 1) {
      expect(detector.wantsModel()).toBe(false);
      const verdict = detector.update(T0 + i * STEP, 100);
      expect(verdict).toMatchObject({ forecast: null, residual: null, score: 0, anomaly: 0, kind: null });
    }
    detector.update(T0 + 49 * STEP, 100);
    expect(detector.wantsModel()).toBe(true);
    expect(detector.trainingWindow()).toHaveLength(50);
  });

  it('reports the one-step forecast, its band and the standardised residual once a model is installed', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 10 * STEP });
    stream(detector, Array(10).fill(100));
    detector.install(fakeModel(100, 2, 10));
    const verdict = detector.update(T0 + 10 * STEP, 107);
    expect(verdict.forecast).toBe(100);
    expect(verdict.residual).toBeCloseTo(3.5, 12);
    expect(verdict.upper! - 100).toBeCloseTo(2 * 2.5758, 3);
    expect(verdict.lower! - 100).toBeCloseTo(-2 * 2.5758, 3);
    expect(verdict.anomaly).toBe(1);
  });

  it('keeps scores low on noise and pages a spike far outside it, labelled a spike', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP });
    const verdicts = stream(detector, [...noise(1500), 130]);
    const noiseScores = verdicts.slice(400, 1500).map((v) => v.score);
    const spike = verdicts[1500]!;
    expect(Math.max(...noiseScores)).toBeLessThan(0.5);
    expect(spike.score).toBeGreaterThan(0.6);
    expect(spike.score).toBeGreaterThan(Math.max(...noiseScores) + 0.2);
    expect(spike.kind).toBe('spike');
    for (const v of verdicts) expect(v.score >= 0 && v.score <= 1).toBe(true);
  });

  it('labels a step to a new steady level a level shift', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, refitShare: 10 });
    const values = [...noise(1500), ...normals(30, 9).map((z) => 140 + 0.5 * z)];
    const verdicts = stream(detector, values);
    expect(verdicts[1500]!.kind).toBe('spike');
    expect(verdicts.at(-1)!.kind).toBe('level_shift');
  });

  it('pages once for a repeat: a second, equal spike soon after scores far lower', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP });
    const values = [...noise(1500), 130, ...noise(20, 5), 130];
    const verdicts = stream(detector, values);
    const first = verdicts[1500]!.score;
    const repeat = verdicts[1521]!.score;
    expect(repeat).toBeLessThan(first / 2);
  });

  it('reports one page for an escalating onset: a larger spike within the quiet hour after a loud one is damped, not after it', () => {
    // A loud spike, then one further out a few steps later (an onset that escalates), then the same
    // larger spike again after the quiet hour, when only the 12-hour repeat bar applies.
    const values = [...noise(1500), 108, ...noise(3, 5), 200, ...noise(20, 6), 1000];
    const run = (quietSeconds: number): number[] =>
      stream(
        new ForecastDetector({
          stepSeconds: STEP,
          paging: { ...DEFAULT_DETECTOR.paging, quietSeconds, recurPeriodSeconds: 0 },
        }),
        values,
      ).map((v) => v.score);
    const off = run(0);
    const quiet = run(3600);
    const loud = scoreFromLog10Tail(DEFAULT_DETECTOR.paging.quietLog10p);
    expect(quiet[1500]).toBeCloseTo(off[1500]!, 12);
    expect(quiet[1500]).toBeGreaterThan(loud);
    // Without the quiet hour the escalation pages again (it beats the bar the first spike set).
    expect(off[1504]).toBeGreaterThan(0.6);
    expect(quiet[1504]).toBeLessThan(0.5);
    // 25 steps (over two hours) later the quiet hour is over: a spike beyond the bar pages again.
    expect(quiet[1525]).toBeGreaterThan(0.5);
    expect(quiet[1525]).toBeCloseTo(off[1525]!, 12);
  });

  it('lets the repeat bar fade: a page kept going by smaller pages no longer damps, hours later, what it once would', () => {
    // One loud burst, then a page-worthy spike every two hours that keeps the 12-hour repeat span going,
    // then, 17 hours after the burst (past the span the burst alone would have kept), a spike larger than
    // those but far smaller than the burst.
    const values = noise(1500 + 240, 4);
    values[1500] = 1000;
    for (let k = 1; k <= 8; k += 1) values[1500 + 24 * k] = 112;
    values[1704] = 160;
    const run = (repeatHalfLifeSeconds: number): number[] =>
      stream(
        new ForecastDetector({
          stepSeconds: STEP,
          paging: { ...DEFAULT_DETECTOR.paging, repeatHalfLifeSeconds, quietSeconds: 0, recurPeriodSeconds: 0 },
        }),
        values,
      ).map((v) => v.score);
    const never = run(0);
    const fading = run(2 * 3600);
    expect(never[1500]).toBeGreaterThan(0.6);
    expect(fading[1500]).toBeCloseTo(never[1500]!, 12);
    // Fading, the bar is back near the page level long before: the spike pages...
    expect(fading[1704]).toBeGreaterThan(0.5);
    // ...where, never fading, the burst's bar still stands and it is reported as a repeat of it.
    expect(never[1704]).toBeLessThan(fading[1704]! / 2);
    // A repeat soon after a page is still damped either way.
    expect(fading[1524]).toBeLessThan(0.5);
  });

  it('damps a spike that recurs at the same time each day (a daily job), but not a larger one or one at another time', () => {
    const day = 86_400 / STEP;
    const spikes = (at: (d: number) => number, size: (d: number) => number): number[] => {
      const values = noise(1500 + 4 * day, 3);
      for (let d = 0; d < 4; d += 1) values[at(d)] = size(d);
      return values;
    };
    // Repeats of a page are damped for an hour only, so a day later only the recurrence can damp.
    const paging = {
      log10p: -2.3,
      repeatSeconds: 3600,
      repeatDamping: 0.2,
      repeatHalfLifeSeconds: 0,
      recurSliceSeconds: 1800,
      recurMemorySeconds: 86_400,
      recurPatternSeconds: 0,
      quietSeconds: 0,
      quietLog10p: -4.5,
    };
    const run = (values: number[], recurPeriodSeconds: number): number[] =>
      stream(new ForecastDetector({ stepSeconds: STEP, paging: { ...paging, recurPeriodSeconds } }), values).map(
        (v) => v.score,
      );
    const daily = (d: number): number => 1500 + d * day;
    const same = spikes(daily, () => 130);
    const scores = run(same, 86_400);
    const undamped = run(same, 0);
    expect(scores[daily(0)]).toBeGreaterThan(0.6);
    for (let d = 1; d < 4; d += 1) {
      expect(undamped[daily(d)]).toBeGreaterThan(0.5);
      expect(scores[daily(d)]).toBeLessThan(undamped[daily(d)]! / 2);
    }
    // Twice as far out as yesterday's: a new anomaly at a usual time.
    const larger = run(
      spikes(daily, (d) => (d === 2 ? 160 : 130)),
      86_400,
    );
    expect(larger[daily(2)]).toBeGreaterThan(0.6);
    // The same spike three hours later than yesterday's is not yesterday's job.
    const moved = (d: number): number => daily(d) + (d === 2 ? 36 : 0);
    expect(
      run(
        spikes(moved, () => 130),
        86_400,
      )[moved(2)],
    ).toBeGreaterThan(0.5);
  });

  it('damps a daily job that skips days while its last run is within the recurrence memory, and not beyond it', () => {
    const day = 86_400 / STEP;
    const paging = {
      log10p: -2.3,
      repeatSeconds: 3600,
      repeatDamping: 0.2,
      repeatHalfLifeSeconds: 0,
      recurPeriodSeconds: 86_400,
      quietSeconds: 0,
      quietLog10p: -4.5,
    };
    const at = (d: number): number => 1500 + d * day;
    // Runs on days 0, 2 and 5: two days, then three days apart, each a little smaller than the last, so
    // each is no more surprising than the run before it.
    const values = noise(1500 + 6 * day, 3);
    values[at(0)] = 140;
    values[at(2)] = 135;
    values[at(5)] = 125;
    const run = (recurMemorySeconds: number): number[] =>
      stream(
        new ForecastDetector({
          stepSeconds: STEP,
          paging: { ...paging, recurSliceSeconds: 1800, recurMemorySeconds, recurPatternSeconds: 0 },
        }),
        values,
      ).map((v) => v.score);
    const yesterdayOnly = run(86_400);
    const twoDays = run(2 * 86_400);
    const threeDays = run(3 * 86_400);
    expect(yesterdayOnly[at(0)]).toBeGreaterThan(0.6);
    // Remembering one day, a job that skipped a day is new every time.
    expect(yesterdayOnly[at(2)]).toBeGreaterThan(0.5);
    expect(yesterdayOnly[at(5)]).toBeGreaterThan(0.5);
    // Two days back catch the run two days after the last, not the one three days after it.
    expect(twoDays[at(2)]).toBeLessThan(yesterdayOnly[at(2)]! / 2);
    expect(twoDays[at(5)]).toBeGreaterThan(0.5);
    expect(threeDays[at(5)]).toBeLessThan(yesterdayOnly[at(5)]! / 2);
  });

  it('damps a daily spike that grows each day once it has paged on every day of the pattern span, not before', () => {
    const day = 86_400 / STEP;
    const at = (d: number): number => 1500 + d * day;
    // A daily job whose spike grows every day: each is more surprising than the day before's.
    const values = noise(1500 + 5 * day, 3);
    for (let d = 0; d < 5; d += 1) values[at(d)] = [106, 108, 113, 119, 128][d]!;
    const paging = {
      log10p: -2.3,
      repeatSeconds: 3600,
      repeatDamping: 0.2,
      repeatHalfLifeSeconds: 0,
      recurPeriodSeconds: 86_400,
      recurSliceSeconds: 1800,
      recurMemorySeconds: 3 * 86_400,
      quietSeconds: 0,
      quietLog10p: -4.5,
    };
    const run = (recurPatternSeconds: number): number[] =>
      stream(new ForecastDetector({ stepSeconds: STEP, paging: { ...paging, recurPatternSeconds } }), values).map(
        (v) => v.score,
      );
    const off = run(0);
    const threeDays = run(3 * 86_400);
    // Without the pattern rule every larger spike pages.
    for (let d = 1; d < 5; d += 1) expect(off[at(d)]).toBeGreaterThan(0.5);
    // With it, days 1 and 2 still page (fewer than three earlier days paged there), days 3 and 4 do not.
    expect(threeDays[at(1)]).toBeCloseTo(off[at(1)]!, 12);
    expect(threeDays[at(2)]).toBeCloseTo(off[at(2)]!, 12);
    expect(threeDays[at(3)]).toBeLessThan(off[at(3)]! / 2);
    expect(threeDays[at(4)]).toBeLessThan(off[at(4)]! / 2);
  });

  it('asks for a new model when the current one is as old as its training set, then every quarter of its window', () => {
    const fit = fakeFit();
    const detector = new ForecastDetector({
      stepSeconds: STEP,
      minTrainingSeconds: 100 * STEP,
      maxTrainingSeconds: 1200 * STEP,
      refitShare: 0.25,
    });
    stream(detector, noise(1000), fit);
    // Fits at 100 points, then when 100, 200 and 300 (a quarter of the 1200-point window) points old.
    expect(fit.calls.map((c) => c.length)).toEqual([100, 200, 400, 700]);
    // Each replaced model was destroyed.
    expect(fit.models.slice(0, -1).every((m) => m.destroyed)).toBe(true);
    expect(fit.models.at(-1)!.destroyed).toBe(false);
  });

  it('asks for a new model when the residuals drift away from the forecast', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 100 * STEP, refitShare: 10 });
    const fit = fakeFit();
    // Models fitted at 100, 200 and 400 points; at 700 the last one is 300 points old.
    stream(detector, noise(700), fit);
    expect(detector.wantsModel()).toBe(false);
    // The level moves by 3 sigmas; the constant model goes on forecasting 100.
    let asked = -1;
    noise(200, 4).forEach((value, i) => {
      if (asked < 0 && detector.wantsModel()) asked = i;
      detector.update(T0 + (700 + i) * STEP, value + 3);
    });
    expect(asked).toBeGreaterThan(0);
    // Well before age alone (400 points, at i = 100) would have asked.
    expect(asked).toBeLessThan(50);
  });

  it('carries a gap in the timestamps as missing points, never as zeros', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 5 * STEP });
    detector.update(T0, 10);
    detector.update(T0 + STEP, 11);
    detector.update(T0 + 4 * STEP, 12); // two steps missing
    expect(detector.trainingWindow()).toEqual([10, 11, null, null, 12]);
  });

  it('forces a refit after a gap longer than its share of the window', () => {
    const fit = fakeFit();
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 20 * STEP, maxGapShare: 5 / 4032 });
    stream(detector, noise(30), fit);
    expect(detector.wantsModel()).toBe(false);
    detector.update(T0 + 100 * STEP, 100);
    expect(detector.wantsModel()).toBe(true);
  });

  it('gives a missing value no score and no residual but keeps the band', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 10 * STEP });
    stream(detector, noise(20));
    const verdict = detector.update(T0 + 20 * STEP, null);
    expect(verdict).toMatchObject({ value: null, residual: null, score: 0, anomaly: 0 });
    expect(verdict.forecast).not.toBeNull();
  });

  it('replays into a late model the points that arrived while it was being fitted', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP, minTrainingSeconds: 10 * STEP });
    for (let i = 0; i < 10; i += 1) detector.update(T0 + i * STEP, i);
    const window = detector.trainingWindow();
    detector.update(T0 + 10 * STEP, 10);
    detector.update(T0 + 11 * STEP, 11);
    const model = fakeModel(5, 1, window.length);
    detector.install(model);
    expect(model.observed).toEqual([10, 11]);
  });

  it('backs off after a failed fit instead of asking again at once', () => {
    const detector = new ForecastDetector({
      stepSeconds: STEP,
      minTrainingSeconds: 10 * STEP,
      fitBackoffSeconds: 20 * STEP,
    });
    stream(detector, Array(10).fill(1), fakeFit());
    const fresh = new ForecastDetector({
      stepSeconds: STEP,
      minTrainingSeconds: 10 * STEP,
      fitBackoffSeconds: 20 * STEP,
    });
    for (let i = 0; i < 10; i += 1) fresh.update(T0 + i * STEP, i);
    expect(fresh.wantsModel()).toBe(true);
    fresh.fitFailed();
    for (let i = 10; i < 29; i += 1) {
      expect(fresh.wantsModel()).toBe(false);
      fresh.update(T0 + i * STEP, i);
    }
    fresh.update(T0 + 29 * STEP, 29);
    expect(fresh.wantsModel()).toBe(true);
  });

  it('is causal: the verdicts for a prefix do not depend on what follows it', () => {
    const values = [...noise(900, 2), 125, ...noise(300, 3)];
    const full = stream(new ForecastDetector({ stepSeconds: STEP }), values);
    const cut = stream(new ForecastDetector({ stepSeconds: STEP }), values.slice(0, 950));
    expect(cut.map((v) => v.score)).toEqual(full.slice(0, 950).map((v) => v.score));
    expect(cut.map((v) => v.forecast)).toEqual(full.slice(0, 950).map((v) => v.forecast));
  });

  it('takes a repeated or earlier timestamp as the next sample: one verdict per point, the same as on a clean clock', () => {
    const values = noise(800, 4);
    // Row 300 repeats row 299's stamp; from row 400 the clock runs an hour behind (as after a
    // re-sent batch of 12 points); from row 600 it was set back a day.
    const stamps = values.map((_, i) => T0 + i * STEP);
    stamps[300] = stamps[299]!;
    for (let i = 400; i < 600; i += 1) stamps[i] = T0 + (i - 12) * STEP;
    for (let i = 600; i < 800; i += 1) stamps[i] = T0 - 86_400 + i * STEP;
    const fit = fakeFit();
    const detector = new ForecastDetector({ stepSeconds: STEP });
    const verdicts = values.map((value, i) => {
      if (detector.wantsModel())
        detector.install(fit(detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
      return detector.update(stamps[i]!, value);
    });
    expect(verdicts).toHaveLength(800);
    expect(verdicts.map((v) => v.t)).toEqual(stamps);
    for (const v of verdicts) expect(v.score >= 0 && v.score <= 1).toBe(true);
    // Nothing was filled in as missing: the detector saw exactly the 800 points.
    const clean = stream(new ForecastDetector({ stepSeconds: STEP }), values);
    expect(verdicts.map((v) => v.score)).toEqual(clean.map((v) => v.score));
  });

  it('keeps scoring through missing runs, constant stretches, huge values and a change of sampling rate', () => {
    const values: Array<number | null> = [
      ...noise(400, 5),
      ...Array<null>(30).fill(null),
      ...Array<number>(200).fill(100),
      1e300,
      -1e300,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      ...noise(400, 6),
    ];
    const fit = fakeFit();
    const detector = new ForecastDetector({ stepSeconds: STEP });
    let t = T0;
    const verdicts = values.map((value, i) => {
      if (detector.wantsModel())
        detector.install(fit(detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
      // The last 200 points come five times slower than the step.
      t += i >= values.length - 200 ? 5 * STEP : STEP;
      return detector.update(t, value);
    });
    expect(verdicts).toHaveLength(values.length);
    for (const v of verdicts) {
      expect(v.score >= 0 && v.score <= 1).toBe(true);
      if (v.residual !== null) expect(Number.isFinite(v.residual)).toBe(true);
    }
    expect(verdicts[630]!.score).toBeGreaterThan(0.9);
    // After the huge values, a model serves again and scores ordinary noise low.
    const tail = verdicts.slice(-100);
    expect(tail.every((v) => v.forecast !== null)).toBe(true);
    expect(Math.max(...tail.map((v) => v.score))).toBeLessThan(0.5);
  });

  it('reports the flood side, not a flapping +1/-1, while the series settles after a flood', () => {
    const step = 15;
    const fit = fakeFit();
    const detector = new ForecastDetector({ stepSeconds: step, minTrainingSeconds: 200 * step });
    const settling = [95, 105, 95, 105];
    const values = [...noise(400, 7), ...Array<number>(20).fill(300), ...settling, ...Array<number>(12).fill(100)];
    const verdicts = values.map((value, i) => {
      if (detector.wantsModel())
        detector.install(fit(detector.trainingWindow(), { stepSeconds: step, model: 'auto', confidence: 0.99 }));
      return detector.update(T0 + i * step, value);
    });
    const sides = verdicts.slice(400).map((v) => v.anomaly);
    expect(sides.slice(0, 24)).toEqual(Array(24).fill(1));
    expect(sides.at(-1)).toBe(0);
  });

  it('rejects a time that is not a number and nonsensical options', () => {
    const detector = new ForecastDetector({ stepSeconds: STEP });
    detector.update(T0, 1);
    expect(() => detector.update(Number.NaN, 1)).toThrow(RangeError);
    expect(() => new ForecastDetector({ stepSeconds: 0 })).toThrow(/stepSeconds/);
    expect(() => new ForecastDetector({ stepSeconds: STEP, confidence: 1 })).toThrow(/confidence/);
  });

  describe('keeping an excursion out of the model (maxWithheldSeconds)', () => {
    /** A detector on 200 points of noise around 100 with a constant model installed, its predictor recording. */
    function primed(maxWithheldPoints: number, withholdMinShare = 0, withhold: WithholdScope = 'attacks') {
      const fit = fakeFit();
      const detector = new ForecastDetector(
        {
          stepSeconds: STEP,
          minTrainingSeconds: 100 * STEP,
          maxTrainingSeconds: 100 * STEP,
          refitShare: 10,
          maxWithheldSeconds: maxWithheldPoints * STEP,
          withholdMinShare,
          withhold,
        },
        // Withholding is for attacks: this classifier calls every upward excursion one.
        (excursion) => (excursion.direction > 0 ? 'attack_suspected' : excursion.shape),
      );
      stream(detector, noise(200), fit);
      expect(detector.wantsModel()).toBe(false);
      const model = fit.models.at(-1)!;
      model.observed.length = 0;
      return { detector, fit, model };
    }
    const feed = (detector: ForecastDetector, values: number[], from: number): Verdict[] =>
      values.map((value, i) => detector.update(T0 + (from + i) * STEP, value));

    it('feeds every point to the model by default, so the backtest is unchanged', () => {
      const { detector, model } = primed(0);
      feed(detector, [140, 141, 142], 200);
      expect(model.observed).toEqual([140, 141, 142]);
      expect(detector.trainingWindow().slice(-3)).toEqual([140, 141, 142]);
    });

    it("keeps a flood's out-of-band points from the model state and the training window", () => {
      const { detector, model } = primed(20);
      const verdicts = feed(detector, [140, 141, 142, 140, 141], 200);
      expect(verdicts.every((v) => v.anomaly === 1 && v.kind !== null)).toBe(true);
      // The model stepped over them on its own forecast, so the band did not move towards the flood.
      expect(model.observed).toEqual([null, null, null, null, null]);
      expect(verdicts.at(-1)!.forecast).toBe(verdicts[0]!.forecast);
      expect(detector.trainingWindow().slice(-6)).toEqual([expect.any(Number), null, null, null, null, null]);
      // A withheld point is not drift either: no refit is asked for while the excursion lasts.
      expect(detector.wantsModel()).toBe(false);
    });

    it('learns an excursion the classifier does not call an attack: a drop, or any excursion without a classifier', () => {
      const { detector, model } = primed(20);
      feed(detector, [60, 61, 60], 200);
      expect(model.observed).toEqual([60, 61, 60]);
      const plain = new ForecastDetector({
        stepSeconds: STEP,
        minTrainingSeconds: 100 * STEP,
        maxWithheldSeconds: 20 * STEP,
      });
      const fit = fakeFit();
      stream(plain, noise(200), fit);
      const last = fit.models.at(-1)!;
      last.observed.length = 0;
      feed(plain, [140, 141], 200);
      expect(last.observed).toEqual([140, 141]);
    });

    it("withholds every excursion, a drop or one without a classifier too, with withhold: 'excursions'", () => {
      const { detector, model } = primed(20, 0, 'excursions');
      feed(detector, [60, 61, 60], 200);
      expect(model.observed).toEqual([null, null, null]);
      const plain = new ForecastDetector({
        stepSeconds: STEP,
        minTrainingSeconds: 100 * STEP,
        maxWithheldSeconds: 20 * STEP,
        withhold: 'excursions',
      });
      const fit = fakeFit();
      stream(plain, noise(200), fit);
      const last = fit.models.at(-1)!;
      last.observed.length = 0;
      feed(plain, [140, 141], 200);
      expect(last.observed).toEqual([null, null]);
    });

    it('feeds in-band points of an open excursion, and out-of-band points with no excursion open', () => {
      const { detector, model } = primed(20);
      // 103.5 is above the 99% band (100 +- 2.58) but a lone, mild one opens no excursion.
      const [mild] = feed(detector, [103.5], 200);
      expect(mild!.anomaly).toBe(1);
      expect(mild!.kind).toBeNull();
      expect(model.observed).toEqual([103.5]);
      model.observed.length = 0;
      feed(detector, [140, 100.5, 140], 201);
      expect(model.observed).toEqual([null, 100.5, null]);
    });

    it('feeds an excursion that stays within withholdMinShare of the forecast: a lagging trend, not a flood', () => {
      const { detector, model } = primed(20, 0.2, 'excursions');
      // 110-115 are far out of the band (100 +- 2.58) but within 20% of the forecast; 140 is not.
      const verdicts = feed(detector, [110, 112, 115, 140, 113], 200);
      expect(verdicts.slice(0, 3).every((v) => v.anomaly === 1)).toBe(true);
      expect(model.observed).toEqual([110, 112, 115, null, 113]);
    });

    it('keeps every point beyond the band of an excursion named an attack, however close to the level it left', () => {
      // The classifier's signals say it is an attack; its points within 20% (a flood's ramp down) are the attack's too.
      const { detector, model } = primed(20, 0.2);
      feed(detector, [110, 112, 115, 140, 113, 100.5], 200);
      expect(model.observed).toEqual([null, null, null, null, null, 100.5]);
    });

    it('asks for a refit on the masked window once a long withheld excursion is over', () => {
      const { detector, fit } = primed(20);
      feed(detector, [140, 141, 142, 140, 141, 140], 200);
      expect(detector.wantsModel()).toBe(false);
      feed(detector, [100, 100, 100, 100, 100, 100], 206);
      expect(detector.wantsModel()).toBe(true);
      const window = detector.trainingWindow();
      fit(window, { stepSeconds: STEP, model: 'auto', confidence: 0.99 });
      // The new model learned the traffic around the flood, not the flood.
      expect(fit.models.at(-1)!.level).toBeCloseTo(100, 0);
      expect(window.filter((v) => v === null)).toHaveLength(6);
    });

    it('does not ask for a refit after a withheld spike of a few points', () => {
      const { detector } = primed(20);
      feed(detector, [140, 141, ...Array<number>(8).fill(100)], 200);
      expect(detector.wantsModel()).toBe(false);
    });

    it('takes an excursion that outlasts the limit for the new normal: unmasked, learned, refitted', () => {
      const { detector, model, fit } = primed(4);
      feed(detector, [140, 141, 142, 140, 141, 142], 200);
      expect(model.observed).toEqual([null, null, null, null, 141, 142]);
      expect(detector.wantsModel()).toBe(true);
      expect(detector.trainingWindow().slice(-6)).toEqual([140, 141, 142, 140, 141, 142]);
      detector.install(fit(detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
      // Points that arrived after the window was taken are replayed as they were (none here).
      expect(fit.models.at(-1)!.level).toBeGreaterThan(100);
    });

    it('keeps a flood of exactly the limit held when the next point is only just beyond the band it left', () => {
      // 103.5: over the 99% band (100 +- 2.58), within 20% of the level: the day's own traffic, not the flood.
      const { detector, model } = primed(4, 0.2);
      feed(detector, [140, 141, 142, 140, 103.5], 200);
      expect(model.observed).toEqual([null, null, null, null, 103.5]);
      expect(detector.trainingWindow().slice(-5)).toEqual([null, null, null, null, 103.5]);
      // Nothing was given back, so nothing asks for a refit on the flood.
      expect(detector.wantsModel()).toBe(false);
    });

    it('still takes a flood that goes on past the limit for the new normal', () => {
      const { detector, model } = primed(4, 0.2);
      feed(detector, [140, 141, 142, 140, 141], 200);
      expect(model.observed).toEqual([null, null, null, null, 141]);
      expect(detector.trainingWindow().slice(-5)).toEqual([140, 141, 142, 140, 141]);
      expect(detector.wantsModel()).toBe(true);
    });

    it('feeds the points after a flood came back inside the band it left, though the excursion is still open', () => {
      const { detector, model } = primed(20, 0.2);
      const verdicts = feed(detector, [140, 141, 100.5, 103.5, 104], 200);
      expect(verdicts.at(-1)!.kind).not.toBeNull();
      expect(model.observed).toEqual([null, null, 100.5, 103.5, 104]);
      // A second rise at the flood's scale inside the same excursion is held again.
      feed(detector, [140], 205);
      expect(model.observed.at(-1)).toBeNull();
    });

    it('replays withheld points as gaps into a model installed while the excursion was open', () => {
      const { detector, fit } = primed(20);
      const window = detector.trainingWindow();
      feed(detector, [140, 141, 100.2], 200);
      detector.install(fit(window, { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
      expect(fit.models.at(-1)!.observed).toEqual([null, null, 100.2]);
    });
  });
});

describe('ForecastDetector.outlook', () => {
  it('forecasts the next points from now, with the seasonal shape and a band around it', async () => {
    const { fitModel } = await import('../forecast/fit.js');
    const day = 288;
    const curve = (i: number): number => 100 + 50 * Math.sin((2 * Math.PI * i) / day);
    const detector = new ForecastDetector({
      stepSeconds: STEP,
      minTrainingSeconds: 3 * day * STEP,
      maxTrainingSeconds: 3 * day * STEP,
    });
    expect(detector.outlook(10)).toBeNull();
    const fit = (values: ReadonlyArray<number | null>) =>
      fitModel(values, { stepSeconds: STEP, model: 'auto', confidence: 0.99 });
    for (let i = 0; i < 3 * day; i++) detector.update(T0 + i * STEP, curve(i));
    expect(detector.wantsModel()).toBe(true);
    detector.install(fit(detector.trainingWindow()));
    // 40 more points without a refit: the outlook must start from now, not from the training window's end.
    for (let i = 3 * day; i < 3 * day + 40; i++) detector.update(T0 + i * STEP, curve(i));
    const outlook = detector.outlook(30)!;
    expect(outlook.mean).toHaveLength(30);
    for (let k = 0; k < 30; k++) {
      expect(Math.abs(outlook.mean[k]! - curve(3 * day + 40 + k))).toBeLessThan(5);
      expect(outlook.upper[k]!).toBeGreaterThan(outlook.mean[k]!);
      expect(outlook.lower[k]!).toBeLessThan(outlook.mean[k]!);
    }
  });

  it('keeps the band of an organic surge the model did not follow out of the next steps’ width', async () => {
    const { fitModel } = await import('../forecast/fit.js');
    const day = 288;
    const curve = (i: number): number => 100 + 50 * Math.sin((2 * Math.PI * i) / day) + 2 * Math.sin(1.7 * i);
    const detector = new ForecastDetector({
      stepSeconds: STEP,
      minTrainingSeconds: 3 * day * STEP,
      maxTrainingSeconds: 3 * day * STEP,
    });
    for (let i = 0; i < 3 * day; i++) detector.update(T0 + i * STEP, curve(i));
    detector.install(fitModel(detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
    let i = 3 * day;
    for (; i < 3 * day + 60; i++) detector.update(T0 + i * STEP, curve(i));
    const width = (o: { mean: number[]; upper: number[] }): number => o.upper[0]! - o.mean[0]!;
    const before = width(detector.outlook(5)!);
    // 40 points at four times the level (more than half the outlook's error window), then normal again.
    for (; i < 3 * day + 100; i++) detector.update(T0 + i * STEP, 4 * curve(i));
    for (; i < 3 * day + 110; i++) detector.update(T0 + i * STEP, curve(i));
    const after = width(detector.outlook(5)!);
    expect(after).toBeLessThan(2 * before);
  });
});
