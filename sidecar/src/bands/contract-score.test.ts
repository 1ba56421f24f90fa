/**
 * The contract states what a score means in closed form; the sidecar computes it numerically
 * (band residual, log erfc, the detectors' tail). Both must agree on the same inputs, or the panel's
 * reading of a score (its severity filter, the band edge) drifts from what the sidecar meant.
 */
import { scoreAtBandEdge, scoreFromDecades, severityOf, severityScore, SEVERITY_DECADES } from '@ntma/contract';
import { gridOf } from '../series/grid.js';
import { log10TwoSidedNormalTail, scoreFromResidual, upperNormalQuantile } from '../detect/tail.js';
import { zFor } from '../forecast/calibration.js';
import { scriptedModel } from './__fixtures__/fakes.js';
import { assembleSeries } from './assemble.js';
import { bandResidual } from './score.js';

const CONFIDENCES = [0.8, 0.9, 0.95, 0.99, 0.995, 0.999];

describe("the contract's score against the sidecar's scorer", () => {
  it.each(CONFIDENCES)('puts the edge of a %s band where the sidecar scores a point on it', (confidence) => {
    const z = zFor(confidence);
    // A symmetric band mean ± z·sigma, and asymmetric ones: the edge is the edge on either side.
    expect(scoreFromResidual(bandResidual(10 + z, 10, 10 - z, 10 + z, confidence))).toBeCloseTo(
      scoreAtBandEdge(confidence),
      6,
    );
    expect(scoreFromResidual(bandResidual(7, 10, 7, 11, confidence))).toBeCloseTo(scoreAtBandEdge(confidence), 6);
  });

  it.each(CONFIDENCES)('scores every point outside a %s band above its edge score', (confidence) => {
    const edge = scoreAtBandEdge(confidence);
    for (const beyond of [1.0001, 1.5, 3, 10]) {
      expect(scoreFromResidual(bandResidual(10 + beyond, 10, 9, 11, confidence))).toBeGreaterThan(edge);
    }
  });

  it('maps residuals to the same score as the closed form, from 0.5σ to 30σ', () => {
    for (const z of [0.5, 1, 1.96, 2.5, 3, 3.89, 5, 10, 30]) {
      expect(scoreFromResidual(z)).toBeCloseTo(scoreFromDecades(-log10TwoSidedNormalTail(z)), 12);
    }
  });

  it('starts each severity at the residual whose tail probability the contract names', () => {
    for (const severity of ['medium', 'high'] as const) {
      const p = 10 ** -SEVERITY_DECADES[severity];
      const z = upperNormalQuantile(p / 2);
      expect(scoreFromResidual(z)).toBeCloseTo(severityScore(severity), 6);
      expect(severityOf(scoreFromResidual(z * 1.001))).toBe(severity);
      expect(severityOf(scoreFromResidual(z * 0.999))).not.toBe(severity);
    }
  });

  it("grades each out-of-band point of an answer with the contract's severityOf its score", () => {
    const n = 40;
    const mean = new Array<number>(n).fill(100);
    // Deviations of 0 to 4.5 against a band of ±2 (sigma about 1.02): inside, low, medium and high.
    const actual = mean.map((m, i) => m + (i % 10) * 0.5 * (i % 2 === 0 ? 1 : -1));
    const band = assembleSeries(
      { id: 'x', labels: {} },
      gridOf(0, (n - 1) * 60, 60),
      actual,
      scriptedModel(mean, 2),
      0,
      0.95,
      { maxPoints: 0, minShare: 0 },
    );
    expect(band.anomaly.some(Boolean)).toBe(true);
    band.anomaly.forEach((outside, i) => {
      expect(band.severity[i]).toBe(outside ? severityOf(band.score[i]!) : null);
    });
    expect(new Set(band.severity.filter(Boolean))).toEqual(new Set(['low', 'medium', 'high']));
  });
});
