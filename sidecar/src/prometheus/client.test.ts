import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnswerTooLarge, BadQuery, BadRequest, PrometheusTimeout, PrometheusUnavailable } from '../errors.js';
import { PrometheusClient } from './client.js';

/** A loopback stand-in for Prometheus whose answers each test scripts; it records every request. */
interface Recorded {
  path: string;
  form: URLSearchParams;
}
type Handler = (path: string, form: URLSearchParams) => { status: number; body: string; delayMs?: number };

async function fakePrometheus(
  handler: Handler,
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const form = new URLSearchParams(raw);
      requests.push({ path, form });
      const answer = handler(path, form);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok = (data: unknown): { status: number; body: string } => ({
  status: 200,
  body: JSON.stringify({ status: 'success', data }),
});

/** Evaluates like Prometheus: one sample per grid point, refusing more than 11,000 steps per request. */
function rangeHandler(seriesCount: number, gapEvery = 0): Handler {
  return (path, form) => {
    if (path !== '/api/v1/query_range') return { status: 404, body: 'not found' };
    const start = Number(form.get('start'));
    const end = Number(form.get('end'));
    const step = Number(form.get('step'));
    if ((end - start) / step > 11000) {
      return {
        status: 400,
        body: JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error:
            'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
        }),
      };
    }
    const result = Array.from({ length: seriesCount }, (_, s) => {
      const values: Array<[number, string]> = [];
      for (let t = start; t <= end; t += step) {
        const k = Math.round((t - 1700000000) / 60);
        if (gapEvery > 0 && k % gapEvery === 0) continue;
        values.push([t, String(k * 10 + s)]);
      }
      return { metric: { job: 'j', instance: `i${s}` }, values };
    });
    return ok({ resultType: 'matrix', result });
  };
}

describe('PrometheusClient', () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function setup(handler: Handler, options: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {}) {
    const fake = await fakePrometheus(handler);
    const client = new PrometheusClient({ baseUrl: fake.url, timeoutMs: 2000, retryDelayMs: 1, ...options });
    closers.push(fake.close, () => client.close());
    return { fake, client };
  }

  it('splits a 40,320-point range into requests Prometheus accepts and joins them without seams', async () => {
    const { fake, client } = await setup(rangeHandler(2));
    const start = 1700000000;
    const answer = await client.queryRange({ query: 'x', start, end: start + 40319 * 60, step: 60 });
    expect(fake.requests).toHaveLength(4);
    expect(answer.grid.count).toBe(40320);
    expect(answer.series.map((s) => s.labels.instance)).toEqual(['i0', 'i1']);
    for (const [s, series] of answer.series.entries()) {
      expect(series.values).toHaveLength(40320);
      expect(series.values.every((v, k) => v === k * 10 + s)).toBe(true);
    }
  });

  it('keeps missing samples as null, including at chunk seams', async () => {
    const { client } = await setup(rangeHandler(1, 11000));
    const start = 1700000000;
    const answer = await client.queryRange({ query: 'x', start, end: start + 22100 * 60, step: 60 });
    const values = answer.series[0]!.values;
    expect(values[0]).toBeNull();
    expect(values[11000]).toBeNull();
    expect(values[22000]).toBeNull();
    expect(values[10999]).toBe(109990);
    expect(values[11001]).toBe(110010);
    expect(values.filter((v) => v === null)).toHaveLength(3);
  });

  it('refuses, naming the query, once the answer holds more series than allowed', async () => {
    const { client } = await setup(rangeHandler(5));
    const promise = client.queryRange({ query: 'x', start: 0, end: 600, step: 60 }, { maxSeries: 3 });
    await expect(promise).rejects.toBeInstanceOf(BadRequest);
    await expect(promise).rejects.toThrow(/^query: matched more than 3 series/);
  });

  it("answers a bad expression with Prometheus' message and does not retry it", async () => {
    const { fake, client } = await setup(() => ({
      status: 400,
      body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:6: parse error: unexpected <EOF>' }),
    }));
    const promise = client.query('rate(');
    await expect(promise).rejects.toBeInstanceOf(BadQuery);
    await expect(promise).rejects.toThrow('1:6: parse error: unexpected <EOF>');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 5xx a bounded number of times, then succeeds', async () => {
    let calls = 0;
    const { fake, client } = await setup(() =>
      ++calls < 3
        ? { status: 503, body: JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'starting' }) }
        : ok({ resultType: 'vector', result: [{ metric: {}, value: [1, '4'] }] }),
    );
    await expect(client.query('up')).resolves.toEqual([{ labels: {}, t: 1, value: 4 }]);
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after the retries with a 502 naming the URL', async () => {
    const { fake, client } = await setup(() => ({ status: 500, body: 'oops' }), { retries: 2 });
    const promise = client.query('up');
    await expect(promise).rejects.toBeInstanceOf(PrometheusUnavailable);
    await expect(promise).rejects.toThrow(fake.url);
    expect(fake.requests).toHaveLength(3);
  });

  it('answers a slow Prometheus with a timeout, without retrying', async () => {
    const { fake, client } = await setup(() => ({ ...ok({ resultType: 'vector', result: [] }), delayMs: 1000 }), {
      timeoutMs: 150,
    });
    const promise = client.query('up');
    await expect(promise).rejects.toBeInstanceOf(PrometheusTimeout);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.form.get('timeout')).toBe('135ms');
  });

  it('answers a refused connection with 502 naming the configured URL', async () => {
    const fake = await fakePrometheus(() => ok({}));
    await fake.close();
    const client = new PrometheusClient({ baseUrl: fake.url, timeoutMs: 1000, retryDelayMs: 1 });
    closers.push(() => client.close());
    const promise = client.query('up');
    await expect(promise).rejects.toBeInstanceOf(PrometheusUnavailable);
    await expect(promise).rejects.toThrow(`Prometheus at ${fake.url} is unreachable (ECONNREFUSED)`);
  });

  it('answers a DNS failure with 502 naming the configured URL', async () => {
    const client = new PrometheusClient({ baseUrl: 'http://no-such-host.invalid:9090', timeoutMs: 2000, retries: 0 });
    closers.push(() => client.close());
    await expect(client.query('up')).rejects.toThrow(
      /Prometheus at http:\/\/no-such-host\.invalid:9090 is unreachable \(E/,
    );
  });

  it('never follows a redirect away from the configured URL', async () => {
    const { fake, client } = await setup(() => ({ status: 302, body: '' }));
    await expect(client.query('up')).rejects.toThrow(/HTTP 302/);
    expect(fake.requests).toHaveLength(1);
  });

  it('posts the selectors of a series lookup and removes duplicates', async () => {
    const { fake, client } = await setup(() => ok([{ job: 'a' }, { job: 'a' }, { job: 'b' }]));
    await expect(client.series(['up', 'node_load1'], 10, 20)).resolves.toEqual([{ job: 'a' }, { job: 'b' }]);
    expect(fake.requests[0]!.form.getAll('match[]')).toEqual(['up', 'node_load1']);
    expect(fake.requests[0]!.form.get('start')).toBe('10');
  });

  describe('bounded answers', () => {
    it('stops reading an answer past maxResponseBytes with 422 naming the cap, and does not retry', async () => {
      const { fake, client } = await setup(rangeHandler(200), { maxResponseBytes: 64 * 1024 });
      const promise = client.queryRange({ query: 'x', start: 1700000000, end: 1700000000 + 600 * 60, step: 60 });
      await expect(promise).rejects.toBeInstanceOf(AnswerTooLarge);
      await expect(promise).rejects.toMatchObject({ statusCode: 422 });
      await expect(promise).rejects.toThrow(/65536 bytes \(NTMA_PROMETHEUS_MAX_BYTES\)/);
      expect(fake.requests).toHaveLength(1);
    });

    it('refuses a range answer with more series than maxSeries before allocating them all', async () => {
      const { client } = await setup(rangeHandler(30), { maxSeries: 10 });
      const promise = client.queryRange({ query: 'x', start: 0, end: 600, step: 60 });
      await expect(promise).rejects.toBeInstanceOf(AnswerTooLarge);
      await expect(promise).rejects.toThrow(/more than 10 series \(NTMA_PROMETHEUS_MAX_SERIES\)/);
    });

    it('refuses a range answer whose series × steps pass maxPoints', async () => {
      const { client } = await setup(rangeHandler(5), { maxPoints: 30 });
      const promise = client.queryRange({ query: 'x', start: 0, end: 600, step: 60 });
      await expect(promise).rejects.toThrow(/more than 30 points \(NTMA_PROMETHEUS_MAX_POINTS\)/);
    });

    it('refuses a range longer than maxPoints without asking Prometheus', async () => {
      const { fake, client } = await setup(rangeHandler(1), { maxPoints: 100 });
      await expect(client.queryRange({ query: 'x', start: 0, end: 6000 * 60, step: 60 })).rejects.toBeInstanceOf(
        AnswerTooLarge,
      );
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses an instant vector or a series list with more than maxSeries entries', async () => {
      const many = Array.from({ length: 12 }, (_, i) => ({ metric: { i: String(i) }, value: [1, '1'] }));
      const { client } = await setup(
        (path) =>
          path === '/api/v1/series' ? ok(many.map((m) => m.metric)) : ok({ resultType: 'vector', result: many }),
        { maxSeries: 10 },
      );
      await expect(client.query('up')).rejects.toBeInstanceOf(AnswerTooLarge);
      await expect(client.series(['up'])).rejects.toBeInstanceOf(AnswerTooLarge);
    });

    it('keeps the per-request series limit a 400 naming the query', async () => {
      const { client } = await setup(rangeHandler(5), { maxSeries: 100 });
      await expect(client.queryRange({ query: 'x', start: 0, end: 600, step: 60 }, { maxSeries: 3 })).rejects.toThrow(
        /^query: matched more than 3 series/,
      );
    });
  });
});
