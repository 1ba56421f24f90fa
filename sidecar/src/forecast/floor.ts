/**
 * A value a series sits on and never goes below (an idle instance's 0, a queue that empties), and what it does to
 * the multi-step interval. The interval is central: (1 - confidence) / 2 of the forecasts' misses are budgeted below
 * it and as many above. Where its lower edge reaches a floor the series sits on, no value can fall below it, so the
 * lower half of that budget is never spent and the interval holds (1 + confidence) / 2 instead: NAB grok's 60-step
 * interval held 0.975 ± 0.008 over ten origins, every miss above (its level fell from about 34 to 0 or 0.33 and
 * stayed there; issue 18). There the interval runs from the floor to the upper edge of the central interval of
 * confidence 2 * confidence - 1, whose upper tail is the whole budget. Pure: the floor's detection and that
 * confidence, no model.
 */

/**
 * Share of the window's observed values that must equal its minimum for the minimum to count as a floor. A value
 * the series sits on that often is where the lower (1 - 0.95) / 2 of a 95% interval's forecasts would land, so at
 * least that share makes the floor the interval's lower quantile; a minimum the series touched once is no floor.
 */
export const FLOOR_SHARE = 0.025;

/** The window's floor (NaN = a gap): its minimum, where at least FLOOR_SHARE of the observed values equal it. */
export function findFloor(values: Float64Array): number | undefined {
  let min = Number.POSITIVE_INFINITY;
  let atMin = 0;
  let observed = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    observed++;
    if (v < min) {
      min = v;
      atMin = 1;
    } else if (v === min) {
      atMin++;
    }
  }
  return observed > 0 && atMin >= FLOOR_SHARE * observed ? min : undefined;
}

/**
 * The confidence of the central interval whose upper edge bounds a floored interval of `confidence`: all of the
 * misses' budget above. Undefined at or under 0.5, where no central interval has it (the interval is then left as
 * it is).
 */
export function flooredConfidence(confidence: number): number | undefined {
  return confidence > 0.5 ? 2 * confidence - 1 : undefined;
}
