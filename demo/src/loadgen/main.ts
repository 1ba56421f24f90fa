import { EnvError } from '../env/env.js';
import { loadLoadgenConfig, type LoadgenConfig } from './config.js';
import { createControlServer } from './control.js';
import { Generator } from './generator.js';
import { Sender } from './sender.js';

function readConfig(): LoadgenConfig {
  try {
    return loadLoadgenConfig(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`ntma-demo-loadgen: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const config = readConfig();
const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} loadgen: ${line}\n`);
};
const sender = new Sender({
  target: config.target,
  maxSockets: config.maxInFlight,
  timeoutMs: config.requestTimeoutMs,
});
const generator = new Generator(config, sender, Date.now, Math.random, log);
const control = createControlServer(generator);

control.listen(config.controlPort, config.controlHost, () => {
  log(
    `target ${config.target.href}, control on http://${config.controlHost}:${config.controlPort} ` +
      `(POST /profile {"profile":"attack"|"normal"}, GET /status, /metrics; or SIGUSR1 = attack, SIGUSR2 = normal), ` +
      `cap ${config.rateCap} rps, ${config.maxInFlight} in flight`,
  );
  generator.start();
});
control.on('error', (error) => {
  process.stderr.write(`ntma-demo-loadgen: control server: ${error.message}\n`);
  process.exit(1);
});

process.on('SIGUSR1', () => generator.setProfile('attack'));
process.on('SIGUSR2', () => generator.setProfile('normal'));
const stop = (): void => {
  generator.stop();
  control.close(() => process.exit(0));
  control.closeAllConnections();
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
