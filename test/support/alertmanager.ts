import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alertmanager as alertmanagerComponent } from './components.js';
import { startDaemon } from './daemon.js';
import { freePort } from './ports.js';

export interface RunningAlertmanager {
  url: string;
  /** host:port, as Prometheus' alerting config wants it. */
  address: string;
  log: string;
  stop(): Promise<void>;
}

/**
 * Starts the real Alertmanager on a free loopback port with NTMA's receiver config
 * (provisioning/alertmanager/alertmanager.yml) copied beside an `alert-secret` file, as `npm start`
 * does, and its webhook URL pointed at `sidecarUrl`. Clustering is off, so nothing listens beyond loopback.
 */
export async function startAlertmanager(options: {
  config: string;
  sidecarUrl: string;
  alertSecret: string;
}): Promise<RunningAlertmanager> {
  const binary = alertmanagerComponent.path;
  if (!binary) throw new Error(`Alertmanager not found: ${alertmanagerComponent.install}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-am-'));
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(config, readFileSync(options.config, 'utf8').replaceAll('http://127.0.0.1:8787', options.sidecarUrl));
  writeFileSync(path.join(dir, 'alert-secret'), options.alertSecret, { mode: 0o600 });
  const port = await freePort();
  const log = path.join(dir, 'alertmanager.log');
  const url = `http://127.0.0.1:${port}`;
  const daemon = await startDaemon({
    name: 'Alertmanager',
    binary,
    args: [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    log,
    readyUrl: `${url}/-/ready`,
  });
  return {
    url,
    address: `127.0.0.1:${port}`,
    log,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
