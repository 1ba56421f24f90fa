import { EnvError } from '../env/env.js';
import { createWebApp } from './app.js';
import { loadWebConfig, type WebConfig } from './config.js';

function readConfig(): WebConfig {
  try {
    return loadWebConfig(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`ntma-demo-web: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const config = readConfig();
const { server } = createWebApp(config);
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`ntma-demo-web listening on http://${config.host}:${port} (metrics at /metrics)\n`);
});
server.on('error', (error) => {
  process.stderr.write(`ntma-demo-web: ${error.message}\n`);
  process.exit(1);
});

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
