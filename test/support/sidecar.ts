import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
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

/**
 * Builds the sidecar in-process and listens on a free loopback port. Without NTMA_DATA_DIR in `env` its data goes to
 * a temporary directory of its own, removed by close(); a directory the caller names is the caller's to remove.
 */
export async function startSidecar(
  env: Record<string, string | undefined>,
  options: BuildOptions = {},
): Promise<RunningSidecar> {
  const ownDataDir = 'NTMA_DATA_DIR' in env ? undefined : mkdtempSync(path.join(tmpdir(), 'ntma-data-'));
  const removeOwnDataDir = (): void => {
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      NTMA_API_TOKEN: TEST_TOKEN,
      NTMA_DATA_DIR: ownDataDir,
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
    return {
      app,
      url: `http://127.0.0.1:${port}`,
      config,
      close: async () => {
        await app.close();
        removeOwnDataDir();
      },
    };
  } catch (error) {
    removeOwnDataDir();
    throw error;
  }
}
