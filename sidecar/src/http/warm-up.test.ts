import { buildApp } from '../app.js';
import { FakePrometheus, NaiveEngine } from '../bands/__fixtures__/fakes.js';
import { loadConfig } from '../config.js';
import { warmRequestPath } from './warm-up.js';

describe('the warm-up request before listening', () => {
  it.each([
    ['with a token', 'warm-up-test-token-0123456789abcdef'],
    ['without one', undefined],
  ])('goes through the bands route %s and asks the engine for no fit', async (_, token) => {
    const engine = new NaiveEngine();
    const app = await buildApp(loadConfig(token === undefined ? {} : { NTMA_API_TOKEN: token }), {
      logger: false,
      services: {
        prometheus: new FakePrometheus([], () => 0),
        bandsEngine: engine,
        readiness: [],
        watchers: { source: '<none>', watchers: [] },
      },
    });
    try {
      await app.ready();
      expect(await warmRequestPath(app, token)).toBe(200);
      expect(engine.jobs).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
