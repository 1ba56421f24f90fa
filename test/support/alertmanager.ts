import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alertmanager as alertmanagerComponent } from './components.js';
import { freePort, waitFor } from './ports.js';

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
  const out = openSync(log, 'a');
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', out, out] },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`Alertmanager at ${url} (log: ${log})`, async () => {
    if (exited) throw new Error(`Alertmanager exited; see ${log}`);
    const response = await fetch(`${url}/-/ready`);
    return response.ok;
  });
  return {
    url,
    address: `127.0.0.1:${port}`,
    log,
    async stop() {
      if (!exited) {
        const done = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
