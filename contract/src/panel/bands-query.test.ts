import { CONFIDENCE } from '../limits.js';
import { bandsQueryProblem, confidenceProblem } from './bands-query.js';

describe('the bands data source query', () => {
  it('accepts a confidence within the limits, or none', () => {
    expect(confidenceProblem(undefined)).toBeUndefined();
    expect(confidenceProblem(CONFIDENCE.min)).toBeUndefined();
    expect(confidenceProblem(CONFIDENCE.max)).toBeUndefined();
    expect(confidenceProblem(0.5)).toBe('Confidence 0.5 is outside 0.8..0.999');
    expect(confidenceProblem(Number.NaN)).toMatch(/outside/);
  });

  it('needs PromQL, and a training window in the duration grammar when one is given', () => {
    expect(bandsQueryProblem({ expr: 'up' })).toBeUndefined();
    expect(bandsQueryProblem({ expr: 'up', train: '1h30m', confidence: 0.99 })).toBeUndefined();
    expect(bandsQueryProblem({ expr: ' ' })).toBe('PromQL: the query is empty');
    expect(bandsQueryProblem({ expr: 'up', train: '30m1h' })).toMatch(/Training window: "30m1h" is not a duration/);
    expect(bandsQueryProblem({ expr: 'up', confidence: 1 })).toMatch(/outside/);
  });
});
