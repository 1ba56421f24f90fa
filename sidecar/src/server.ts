import { buildApp } from './app.js';
import { ConfigError, isLoopback, loadConfig, type Config } from './config.js';
import { applyHeapFlags } from './heap-flags.js';
import { warmBeforeListening } from './http/warm-up.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ntma-sidecar: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  applyHeapFlags();
  const config = readConfig();
  let host = config.host;
  const unauthenticated = config.apiToken === undefined;
  if (unauthenticated && !isLoopback(host)) host = '127.0.0.1';
  const app = await buildApp({ ...config, host });
  if (unauthenticated) {
    app.log.warn(
      { requestedHost: config.host, host },
      'NTMA_API_TOKEN is not set: the API is unauthenticated, so the sidecar listens on loopback only',
    );
  }

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  // Ready first (fit workers warmed up), then requests through the bands route (bounded, logged,
  // never fatal), then listen: the first client request meets compiled code everywhere.
  await app.ready();
  await warmBeforeListening(app, config.apiToken);
  await app.listen({ host, port: config.port });
}

main().catch((error: unknown) => {
  // Config files read while building the app (the watchers YAML) fail with the same clean message.
  if (error instanceof ConfigError) {
    process.stderr.write(`ntma-sidecar: invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ntma-sidecar: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
