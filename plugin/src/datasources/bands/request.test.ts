import { CONFIDENCE } from '@ntma/contract';
import { queryProblem, stepSeconds, toBandsRequest } from './request';

const HOUR_MS = 3_600_000;
const FROM = Date.UTC(2026, 0, 1, 0, 0, 7);
const TO = FROM + 6 * HOUR_MS;

describe('the query → POST /api/v1/bands mapping', () => {
  it("uses Grafana's interval as the step, in whole seconds", () => {
    expect(stepSeconds({ fromMs: FROM, toMs: TO, intervalMs: 15_000 })).toBe(15);
    expect(stepSeconds({ fromMs: FROM, toMs: TO, intervalMs: 1_500 })).toBe(2);
    expect(stepSeconds({ fromMs: FROM, toMs: TO, intervalMs: 0 })).toBe(1);
  });

  it('raises the step so the range holds at most maxDataPoints', () => {
    // 6 h = 21,600 s over 100 points: 216 s, more than the 15 s interval.
    expect(stepSeconds({ fromMs: FROM, toMs: TO, intervalMs: 15_000, maxDataPoints: 100 })).toBe(216);
  });

  it('aligns start and end to the step and sends the range in unix seconds', () => {
    const body = toBandsRequest('up', { refId: 'A', expr: 'up' }, { fromMs: FROM, toMs: TO, intervalMs: 60_000 });
    expect(body).toEqual({
      query: 'up',
      start: Math.floor(FROM / 1000 / 60) * 60,
      end: Math.floor(TO / 1000 / 60) * 60,
      step: 60,
    });
    expect(body.start).toBeLessThanOrEqual(FROM / 1000);
  });

  it('sends confidence and training window only when the query sets them', () => {
    const range = { fromMs: FROM, toMs: TO, intervalMs: 60_000 };
    const body = toBandsRequest('up', { refId: 'A', expr: 'up', confidence: 0.99, train: ' 2d ' }, range);
    expect(body).toMatchObject({ confidence: 0.99, train: '2d' });
    expect(toBandsRequest('up', { refId: 'A', expr: 'up', train: '  ' }, range)).not.toHaveProperty('train');
  });

  it("refuses a confidence outside the contract's limits and a training window outside its duration grammar", () => {
    expect(queryProblem({ confidence: CONFIDENCE.min })).toBeUndefined();
    expect(queryProblem({ confidence: CONFIDENCE.max })).toBeUndefined();
    expect(queryProblem({ confidence: 0.5 })).toBe(`Confidence 0.5 is outside ${CONFIDENCE.min}..${CONFIDENCE.max}`);
    expect(queryProblem({ confidence: 1 })).toMatch(/outside/);
    expect(queryProblem({ train: '1h30m' })).toBeUndefined();
    expect(queryProblem({ train: '' })).toBeUndefined();
    expect(queryProblem({ train: '30m1h' })).toMatch(/Training window: "30m1h" is not a duration/);
  });
});
