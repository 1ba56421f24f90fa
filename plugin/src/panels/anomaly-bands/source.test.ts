import type { DataQuery } from '@grafana/schema';
import { seriesFrame, T0 } from '../../testing/panelProps';
import { seriesFromFrames } from './series';
import { bandSource, rateInterval, sameSeries } from './source';

const vars: Record<string, string> = { service: 'web', ds: 'prometheus' };
const replace = (value: string) => value.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => vars[name] ?? whole);

function query(expr: string, uid = 'prometheus', refId = 'A'): DataQuery & { expr: string } {
  return { refId, expr, datasource: { type: 'prometheus', uid } };
}

describe('bandSource', () => {
  const input = seriesFromFrames([seriesFrame({ device: 'eth0' }, [null, 1, 2, 3, null])], 60_000);

  it("reruns a query on the sidecar's Prometheus over exactly the panel's points, with its variables replaced", () => {
    const source = bandSource([query('rate(x{service="$service"}[$__rate_interval])', '${ds}')], input, replace);

    expect(source).toEqual({
      kind: 'query',
      queries: [{ refId: 'A', expr: 'rate(x{service="web"}[75s])', start: T0 + 60, end: T0 + 180, stepSeconds: 60 }],
    });
  });

  it('falls back to the points for another datasource or a query without PromQL, saying which', () => {
    expect(bandSource([query('up', 'loki')], input, replace)).toEqual({
      kind: 'series',
      reason: expect.stringContaining('query A is not a PromQL query'),
    });
    expect(bandSource([{ refId: 'A', datasource: { uid: 'prometheus' } }], input, replace).kind).toBe('series');
    expect(bandSource(undefined, input, replace).kind).toBe('series');
  });

  it('ignores hidden queries', () => {
    const hidden = { ...query('up', 'loki', 'B'), hide: true };
    expect(bandSource([query('up'), hidden], input, replace).kind).toBe('query');
  });
});

describe('rateInterval', () => {
  it("is Grafana's max(step + scrape, 4 × scrape)", () => {
    expect(rateInterval(15)).toBe('60s');
    expect(rateInterval(60)).toBe('75s');
    expect(rateInterval(60, 30)).toBe('120s');
  });
});

describe('sameSeries', () => {
  it("matches the answer's labels to the panel's, which lack the metric name", () => {
    expect(sameSeries({ device: 'eth0' }, { __name__: 'rx', device: 'eth0' })).toBe(true);
    expect(sameSeries({ device: 'eth0' }, { device: 'eth1' })).toBe(false);
    expect(sameSeries({ device: 'eth0' }, { device: 'eth0', job: 'node' })).toBe(false);
  });
});
