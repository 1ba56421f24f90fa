import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { FakePrometheus, InlinePool, NaiveEngine } from '../bands/__fixtures__/fakes.js';
import { PoolBandsEngine } from '../bands/pool-engine.js';
import type { BandsEngine } from '../bands/engine.js';
import { loadConfig } from '../config.js';
import { LazyForecastPool } from '../forecast/lazy-pool.js';
import type { ForecastPool, WarmReport } from '../forecast/pool.js';
import { warmBeforeListening, warmRequestPath } from './warm-up.js';

const TOKEN = 'warm-up-test-token-0123456789abcdef';

/** `token` undefined: no NTMA_API_TOKEN, so the API is loopback-only and open (inject comes from loopback). */
async function appWith(bandsEngine: BandsEngine, token: string | undefined): Promise<FastifyInstance> {
  const env: Record<string, string> = { NTMA_FIT_WORKERS: '1' };
  if (token !== undefined) env.NTMA_API_TOKEN = token;
  const app = await buildApp(loadConfig(env), {
    logger: false,
    services: {
      prometheus: new FakePrometheus([], () => 0),
      bandsEngine,
      readiness: [],
      watchers: { source: '<none>', watchers: [] },
    },
  });
  await app.ready();
  return app;
}

/** What the app logged at `level` while `run` ran: [fields, message] pairs. */
async function logged(app: FastifyInstance, level: 'info' | 'warn', run: () => Promise<void>): Promise<unknown[][]> {
  const spy = jest.spyOn(app.log, level);
  try {
    await run();
    return spy.mock.calls;
  } finally {
    spy.mockRestore();
  }
}

describe('the warm-up requests before listening', () => {
  it.each([
    ['with a token', TOKEN],
    ['without one', undefined],
  ])('go through the bands route %s, fit one model and answer the repeat from the cache', async (_, token) => {
    const pool = new InlinePool();
    const app = await appWith(new PoolBandsEngine({ pool: pool.asPool() }), token);
    try {
      expect(await warmRequestPath(app, token)).toEqual({ status: 200, banded: true });
      // Both series forms carry the same training values: one fit serves them, and the repeat too.
      expect(pool.calls).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('send their last request over a loopback socket, through the app as its own server would', async () => {
    const app = await appWith(new NaiveEngine(), TOKEN);
    const routing = jest.spyOn(app, 'routing');
    try {
      expect(await warmRequestPath(app, TOKEN)).toEqual({ status: 200, banded: true });
      expect(routing).toHaveBeenCalledTimes(1);
    } finally {
      routing.mockRestore();
      await app.close();
    }
  });

  it('train both series forms on the same day of values, whatever gaps come before it', async () => {
    const engine = new NaiveEngine();
    const app = await appWith(engine, TOKEN);
    try {
      expect((await warmRequestPath(app, TOKEN)).status).toBe(200);
      const [job] = engine.jobs;
      // A day of values trains the model (the gaps before it are skipped), whatever the window.
      expect(job!.train.length).toBe(1440);
      expect(engine.jobs.every((j) => j.key === job!.key)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('are logged with their duration when they succeed', async () => {
    const app = await appWith(new PoolBandsEngine({ pool: new InlinePool().asPool() }), TOKEN);
    try {
      const calls = await logged(app, 'info', () => warmBeforeListening(app, TOKEN));
      expect(calls).toContainEqual([
        { ms: expect.any(Number) },
        expect.stringMatching(/^warmed up the bands request path/),
      ]);
    } finally {
      await app.close();
    }
  });

  it('log a failed answer and let the server start and serve', async () => {
    const engine = new NaiveEngine();
    engine.fail = new Error('the engine broke');
    const app = await appWith(engine, TOKEN);
    try {
      const calls = await logged(app, 'warn', () => warmBeforeListening(app, TOKEN));
      expect(calls).toContainEqual([
        expect.objectContaining({ status: 500, banded: false }),
        expect.stringMatching(/warm-up request .* failed; listening anyway/),
      ]);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('log a warm-up that throws, and resolve', async () => {
    const app = await appWith(new NaiveEngine(), TOKEN);
    try {
      jest.spyOn(app, 'inject').mockRejectedValue(new Error('no injection today'));
      const calls = await logged(app, 'warn', () => warmBeforeListening(app, TOKEN));
      expect(calls).toContainEqual([
        { err: expect.objectContaining({ message: 'no injection today' }) },
        expect.stringMatching(/threw; listening anyway/),
      ]);
    } finally {
      await app.close();
    }
  });

  it('stop waiting for a warm-up that hangs after their bound, and say so', async () => {
    const engine = new NaiveEngine();
    let release = (): void => undefined;
    engine.gate = new Promise<void>((resolve) => (release = resolve));
    const app = await appWith(engine, TOKEN);
    try {
      const calls = await logged(app, 'warn', () => warmBeforeListening(app, TOKEN, 50));
      expect(calls).toContainEqual([
        { ms: expect.any(Number) },
        expect.stringMatching(/did not finish; listening anyway/),
      ]);
    } finally {
      release();
      await app.close();
    }
  });
});

describe("the fit workers' warm-up at start", () => {
  /** A pool that reports `report` when warmed: the workers' own reports are pool.test.ts' subject. */
  function poolReporting(report: WarmReport): LazyForecastPool {
    const pool = { queueDepth: 0, warmed: async () => report, close: async () => undefined };
    return new LazyForecastPool(() => pool as unknown as ForecastPool);
  }

  async function startUpLog(report: WarmReport, level: 'info' | 'warn'): Promise<unknown[][]> {
    const app = await buildApp(loadConfig({ NTMA_API_TOKEN: TOKEN }), {
      logger: false,
      services: {
        prometheus: new FakePrometheus([], () => 0),
        bandsEngine: new NaiveEngine(),
        fitPool: poolReporting(report),
        readiness: [],
        watchers: { source: '<none>', watchers: [] },
      },
    });
    try {
      return await logged(app, level, async () => {
        await app.ready();
      });
    } finally {
      await app.close();
    }
  }

  const base: WarmReport = { workers: 2, done: 2, timedOut: false, skipped: false, slowestMs: 420, errors: [] };

  it('is logged with its duration before the app is ready', async () => {
    expect(await startUpLog(base, 'info')).toContainEqual([base, 'fit workers warmed up']);
  });

  it.each([
    ['threw in a worker', { ...base, errors: ['the warm-up broke'] }],
    ['ran out of time', { ...base, done: 1, timedOut: true }],
  ])('is logged as a warning when it %s, and the app still starts', async (_, report) => {
    expect(await startUpLog(report, 'warn')).toContainEqual([report, expect.stringMatching(/warm-up incomplete/)]);
  });
});
