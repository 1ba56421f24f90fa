/**
 * An app with a token, an alert secret and its data in a fresh temporary directory, for the HTTP
 * security tests. The watchers list is empty (they would query Prometheus in the background); every
 * other service is the real one, so the routes behave as they do in production.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type Services } from '../../app.js';
import { loadConfig } from '../../config.js';

export const TOKEN = 'security-test-token-0123456789abcdef';
export const ALERT_SECRET = 'security-test-alert-secret-0123456789';

export interface SecureApp {
  app: FastifyInstance;
  dataDir: string;
  close(): Promise<void>;
}

/** `services` may be a function of the data directory, for services that keep state there. */
export async function secureApp(
  env: Record<string, string> = {},
  given: Partial<Services> | ((dataDir: string) => Partial<Services>) = {},
): Promise<SecureApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ntma-http-'));
  const services = typeof given === 'function' ? given(dataDir) : given;
  const app = await buildApp(
    loadConfig({
      NTMA_API_TOKEN: TOKEN,
      NTMA_ALERT_SECRET: ALERT_SECRET,
      NTMA_DATA_DIR: dataDir,
      // A Docker socket that does not exist: scaling answers 503 instead of touching a real engine.
      DOCKER_SOCKET: path.join(dataDir, 'no-docker.sock'),
      PROMETHEUS_URL: 'http://127.0.0.1:9',
      NTMA_PROMETHEUS_TIMEOUT_MS: '500',
      ...env,
    }),
    { logger: false, services: { readiness: [], watchers: { source: '<none>', watchers: [] }, ...services } },
  );
  return {
    app,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
