import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, type BuildOptions } from '../../sidecar/src/app.js';
import { loadConfig, type Config } from '../../sidecar/src/config.js';

export interface RunningSidecar {
  app: FastifyInstance;
  url: string;
  config: Config;
  close(): Promise<void>;
}

export const TEST_TOKEN = 'integration-test-token-0123456789';

/** Builds the sidecar in-process and listens on a free loopback port. */
export async function startSidecar(
  env: Record<string, string | undefined>,
  options: BuildOptions = {},
): Promise<RunningSidecar> {
  const config = loadConfig({
    NTMA_API_TOKEN: TEST_TOKEN,
    NTMA_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ntma-data-')),
    NTMA_LOG_LEVEL: 'warn',
    // A loaded 2-core CI machine can stall the event loop for a second; tests that exercise load
    // shedding set their own bound.
    NTMA_MAX_EVENT_LOOP_DELAY_MS: '60000',
    ...env,
    NTMA_PORT: '0',
  });
  const app = await buildApp(config, { logger: false, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, config, close: () => app.close() };
}
