/**
 * What an anomaly score means. The sidecar scores a point by its surprise e = -log10 p, where p is
 * the two-sided tail probability of its standardised residual, as e / (e + HALF_SCORE_DECADES): 0
 * for an unsurprising point, 0.5 at a one-in-10,000 residual, never reaching 1. A score is not a
 * probability and not a confidence: the edge of a 95% band sits near 0.245, not at 0.95.
 */

/**
 * Surprise, in decades of improbability, at which the score is one half. 1e-4 is a
 * once-a-fortnight event at a 5-minute step, and about where the NAB backtest puts the best paging
 * threshold, so "score >= 0.5" reads as "page".
 */
export const HALF_SCORE_DECADES = 4;

/** The score of a surprise of `decades` (= -log10 p); strictly increasing, never saturating. */
export function scoreFromDecades(decades: number): number {
  if (Number.isNaN(decades)) return 0;
  const e = Math.max(0, decades);
  if (e === Number.POSITIVE_INFINITY) return 1;
  return e / (e + HALF_SCORE_DECADES);
}

/** The surprise (-log10 p) a score stands for; the inverse of scoreFromDecades. */
export function decadesFromScore(score: number): number {
  if (!(score > 0)) return 0;
  if (score >= 1) return Number.POSITIVE_INFINITY;
  return (HALF_SCORE_DECADES * score) / (1 - score);
}

/**
 * The score of a point exactly on the edge of a band of nominal coverage `confidence`: the edge of
 * a c-band is where the two-sided tail probability is 1 - c.
 */
export function scoreAtBandEdge(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return scoreFromDecades(-Math.log10(1 - confidence));
}

/** How strongly a point outside its band deviates; points inside the band have none. */
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * The surprise (-log10 p) at which each severity starts. Medium is where the watchers open an
 * excursion (p <= 10^-2.3, about 1 in 200, a 3σ residual); high is the paging score 0.5 (p <= 1e-4,
 * about 3.9σ). Low is any other point outside its band.
 */
export const SEVERITY_DECADES: Readonly<Record<Severity, number>> = { low: 0, medium: 2.3, high: HALF_SCORE_DECADES };

/** The lowest score of each severity. */
export function severityScore(severity: Severity): number {
  return scoreFromDecades(SEVERITY_DECADES[severity]);
}

/** The severity of an out-of-band point with this score. */
export function severityOf(score: number): Severity {
  if (score >= severityScore('high')) return 'high';
  if (score >= severityScore('medium')) return 'medium';
  return 'low';
}

/** Whether `severity` is at least `minimum`. */
export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}
