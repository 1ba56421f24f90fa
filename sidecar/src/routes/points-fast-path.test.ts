import AjvCompiler from '@fastify/ajv-compiler';
import { BandsSeriesRequestSchema } from '@ntma/contract/schemas';
import { AJV_OPTIONS } from '../http/ajv-options.js';
import { hasNonFinite } from '../http/finite-numbers.js';
import { pointsFastPathCompiler } from './points-fast-path.js';

const route = { schema: BandsSeriesRequestSchema, method: 'POST', url: '/api/v1/bands/series', httpPart: 'body' };
type Validate = ((body: unknown) => unknown) & { errors?: unknown };
const plain = AjvCompiler()({}, AJV_OPTIONS)(route) as unknown as Validate;
const fast = pointsFastPathCompiler()(route) as unknown as Validate;

const START = 1_700_000_000;
const pairs = (n: number, value: (i: number) => unknown = (i) => i + 0.5): unknown[] =>
  Array.from({ length: n }, (_, i) => [START + i * 60, value(i)]);
const body = (points: unknown, extra: Record<string, unknown> = {}) => ({
  series: [{ id: 'a', labels: { job: 'x' }, points }],
  step: 60,
  ...extra,
});

describe('the series body validator with the points fast path', () => {
  it.each([
    ['plain pairs', body(pairs(50))],
    ['pairs with gaps', body(pairs(50, (i) => (i % 5 === 0 ? null : i)))],
    ['no points', body([])],
    ['a pair of one number', body([...pairs(3), [START]])],
    ['a pair of three numbers', body([...pairs(3), [START, 1, 2]])],
    ['a string value (ajv coerces it)', body([...pairs(3), [START, '7']])],
    ['a string time (ajv coerces it)', body([[String(START), 1], ...pairs(3)])],
    ['a word for a value', body([...pairs(3), [START, 'high']])],
    ['a lone number for a point (ajv wraps it)', body([...pairs(3), 5])],
    ['an infinite value', body([...pairs(3), [START, Infinity]])],
    ['points that are not an array', body({ 0: [START, 1] })],
    ['a bad id beside plain points', { series: [{ id: '', labels: {}, points: pairs(5) }] }],
    ['a bad label beside plain points', { series: [{ id: 'a', labels: { a: { b: 1 } }, points: pairs(5) }] }],
    ['both forms in one series', { series: [{ id: 'a', labels: {}, points: pairs(5), start: START, values: [1] }] }],
    ['an unknown field', body(pairs(5), { confidance: 0.9 })],
    ['a bad confidence (the default is filled when absent)', body(pairs(5), { confidence: 2 })],
    ['a series that is an object, not an array', { series: { id: 'a', labels: {}, points: pairs(5) } }],
    ['a compact series beside a points one', { series: [{ id: 'b', labels: {}, start: START, values: [1, null] }] }],
    ['a body that is not an object', [1, 2]],
  ])('answers %s as ajv alone does, and leaves the same body', (_name, input) => {
    const forAjv = structuredClone(input);
    const forFast = structuredClone(input);
    const expected = plain(forAjv);
    const expectedErrors = structuredClone(plain.errors);
    expect(fast(forFast)).toBe(expected);
    expect(fast.errors ?? null).toEqual(expectedErrors ?? null);
    expect(forFast).toEqual(forAjv);
  });

  it('puts back the very points array it set aside', () => {
    const points = pairs(100);
    const input = body(points);
    expect(fast(input)).toBe(true);
    expect(input.series[0]!.points).toBe(points);
  });

  it('puts the points back when the rest of the body is invalid', () => {
    const points = pairs(100);
    const input = { series: [{ id: '', labels: {}, points }] };
    expect(fast(input)).toBe(false);
    expect(input.series[0]!.points).toBe(points);
  });

  it('spares the finite-number walk the pairs it checked, and not a coerced value', () => {
    const checked = body(pairs(10));
    expect(fast(checked)).toBe(true);
    expect(hasNonFinite(checked)).toBe(false);
    // "1e400" is not a plain pair, so ajv coerces it (to Infinity) and the walk still finds it.
    const coerced = body([...pairs(3), [START, '1e400']]);
    expect(fast(coerced)).toBe(true);
    expect(hasNonFinite(coerced)).toBe(true);
  });
});
