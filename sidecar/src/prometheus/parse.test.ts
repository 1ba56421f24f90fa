import { gridOf } from '../series/grid.js';
import {
  accumulateMatrix,
  labelKey,
  NotPrometheusBody,
  parseEnvelope,
  parseInstant,
  parseSeriesList,
  sampleValue,
  type DenseSeries,
} from './parse.js';

describe('sampleValue', () => {
  it('reads Prometheus number strings', () => {
    expect(sampleValue('1.5')).toBe(1.5);
    expect(sampleValue('0')).toBe(0);
    expect(sampleValue('-2e3')).toBe(-2000);
  });

  it('turns NaN (also the stale marker on the wire), +Inf and -Inf into gaps, never zeros', () => {
    expect(sampleValue('NaN')).toBeNull();
    expect(sampleValue('+Inf')).toBeNull();
    expect(sampleValue('-Inf')).toBeNull();
    expect(sampleValue(undefined)).toBeNull();
    expect(sampleValue('')).toBeNull();
  });
});

describe('parseEnvelope', () => {
  it('returns the data and warnings of a success', () => {
    const envelope = parseEnvelope('{"status":"success","data":{"x":1},"warnings":["w"]}');
    expect(envelope).toEqual({ ok: true, data: { x: 1 }, warnings: ['w'] });
  });

  it("keeps Prometheus' error type and message", () => {
    const envelope = parseEnvelope('{"status":"error","errorType":"bad_data","error":"1:4: parse error"}');
    expect(envelope).toEqual({ ok: false, failure: { errorType: 'bad_data', error: '1:4: parse error' } });
  });

  it('rejects bodies that are not the API envelope', () => {
    expect(() => parseEnvelope('<html>404</html>')).toThrow(NotPrometheusBody);
    expect(() => parseEnvelope('{"hello":1}')).toThrow(NotPrometheusBody);
  });
});

describe('accumulateMatrix', () => {
  const grid = gridOf(100, 150, 10);

  it('places samples in their grid slots and leaves missing ones as gaps', () => {
    const into = new Map<string, DenseSeries>();
    accumulateMatrix(
      into,
      {
        resultType: 'matrix',
        result: [
          {
            metric: { job: 'a', instance: 'x' },
            values: [
              [100, '1'],
              [120, 'NaN'],
              [130, '+Inf'],
              [150, '5'],
            ],
          },
        ],
      },
      grid,
      grid.count,
    );
    expect([...into.values()]).toEqual([
      { labels: { job: 'a', instance: 'x' }, values: [1, null, null, null, null, 5] },
    ]);
  });

  it('joins chunks of the same series regardless of label order', () => {
    const into = new Map<string, DenseSeries>();
    const first = gridOf(100, 120, 10);
    const second = gridOf(130, 150, 10);
    accumulateMatrix(
      into,
      { resultType: 'matrix', result: [{ metric: { a: '1', b: '2' }, values: [[110, '1']] }] },
      first,
      grid.count,
    );
    // The chunk grids are only used to check a timestamp; the slot comes from the full grid.
    accumulateMatrix(
      into,
      { resultType: 'matrix', result: [{ metric: { b: '2', a: '1' }, values: [[140, '2']] }] },
      second,
      grid.count,
    );
    expect(into.size).toBe(1);
  });

  it('refuses a result that is not a matrix', () => {
    expect(() => accumulateMatrix(new Map(), { resultType: 'vector', result: [] }, grid, grid.count)).toThrow(
      /expected a matrix/,
    );
  });
});

describe('labelKey', () => {
  it('ignores label order', () => {
    expect(labelKey({ a: '1', b: '2' })).toBe(labelKey({ b: '2', a: '1' }));
    expect(labelKey({ a: '1' })).not.toBe(labelKey({ a: '2' }));
    expect(labelKey({ job: 'x', zone: 'b', Region: 'eu' })).toBe(labelKey({ Region: 'eu', job: 'x', zone: 'b' }));
  });

  it('tells apart label sets whose names and values run together the same way', () => {
    // Each pair writes the same characters in the same order when names and values are simply joined.
    const pairs: Array<[Record<string, string>, Record<string, string>]> = [
      [{ a: 'x', b: 'y' }, { a: `x${labelKey({ b: 'y' })}` }],
      [
        { a: '1:b', c: '' },
        { a: '1', b: '', c: '' },
      ],
      [
        { a: '', b: 'c' },
        { a: 'b', c: '' },
      ],
      [{ a: 'x=y' }, { 'a=x': 'y' }],
      [{}, { a: '' }],
    ];
    for (const [one, other] of pairs) expect(labelKey(one)).not.toBe(labelKey(other));
  });

  it('leaves out the label it is told to, wherever it is listed', () => {
    const own = labelKey({ instance: 'h:9', job: 'node' });
    expect(labelKey({ __name__: 'up', instance: 'h:9', job: 'node' }, '__name__')).toBe(own);
    expect(labelKey({ job: 'node', __name__: 'up', instance: 'h:9' }, '__name__')).toBe(own);
    expect(labelKey({ __name__: 'up', instance: 'h:9', job: 'node' })).not.toBe(own);
  });
});

/** The data of a successful answer's text, as the client reads it. */
function dataOf(body: string): unknown {
  const envelope = parseEnvelope(body);
  if (!envelope.ok) throw new Error(`not a successful answer: ${body}`);
  return envelope.data;
}

describe('parseInstant', () => {
  it('reads a vector with gaps for non-finite values', () => {
    const samples = parseInstant({
      resultType: 'vector',
      result: [
        { metric: { job: 'a' }, value: [10, '3'] },
        { metric: { job: 'b' }, value: [10, '-Inf'] },
      ],
    });
    expect(samples).toEqual([
      { labels: { job: 'a' }, t: 10, value: 3 },
      { labels: { job: 'b' }, t: 10, value: null },
    ]);
  });

  it('keeps only string label values, and never an own "__proto__", from a malformed metric', () => {
    const [odd] = parseInstant(
      dataOf(
        '{"status":"success","data":{"resultType":"vector","result":' +
          '[{"metric":{"job":"a","n":5,"o":{"x":"y"},"__proto__":"p"},"value":[10,"1"]}]}}',
      ),
    );
    expect(odd!.labels).toEqual({ job: 'a' });
    expect(Object.keys(odd!.labels)).toEqual(['job']);
    expect(Object.getPrototypeOf(odd!.labels)).toBe(Object.prototype);
    expect(labelKey(odd!.labels)).toBe(labelKey({ job: 'a' }));
  });

  it("reads a Prometheus answer's label sets as they came, in their order", () => {
    const body =
      '{"status":"success","data":{"resultType":"vector","result":' +
      '[{"metric":{"__name__":"up","instance":"h:9100","job":"node"},"value":[10,"1"]}]}}';
    const [sample] = parseInstant(dataOf(body));
    expect(sample!.labels).toEqual({ __name__: 'up', instance: 'h:9100', job: 'node' });
    expect(Object.keys(sample!.labels)).toEqual(['__name__', 'instance', 'job']);
  });

  it('reads a scalar as one unlabelled sample', () => {
    expect(parseInstant({ resultType: 'scalar', result: [10, '2'] })).toEqual([{ labels: {}, t: 10, value: 2 }]);
  });
});

describe('parseSeriesList', () => {
  it('reads label sets', () => {
    expect(parseSeriesList([{ __name__: 'up', job: 'a' }])).toEqual([{ __name__: 'up', job: 'a' }]);
    expect(() => parseSeriesList({})).toThrow(NotPrometheusBody);
  });
});
