import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prometheus as prometheusComponent } from './components.js';
import { startDaemon } from './daemon.js';
import { freePort } from './ports.js';

export interface ScrapeJob {
  job: string;
  /** host:port targets on loopback. */
  targets: string[];
  intervalSeconds?: number;
  metricsPath?: string;
}

export interface StartOptions {
  scrape?: ScrapeJob[];
  /** An existing TSDB directory, e.g. one filled by promtool; a fresh one otherwise. */
  storageDir?: string;
  /** --query.timeout */
  queryTimeout?: string;
  /** Absolute paths of rule files to evaluate (every second, as the scrapes). */
  ruleFiles?: string[];
  /** host:port of an Alertmanager that firing alerts are sent to. */
  alertmanager?: string;
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dir: string;
  /** The log file with Prometheus' own output. */
  log: string;
  stop(): Promise<void>;
}

function yamlConfig(jobs: ScrapeJob[], options: StartOptions): string {
  const lines = ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s'];
  if (options.ruleFiles?.length) lines.push(`rule_files: ${JSON.stringify(options.ruleFiles)}`);
  if (options.alertmanager) {
    lines.push(
      'alerting:',
      '  alertmanagers:',
      `    - static_configs: [{ targets: [${JSON.stringify(options.alertmanager)}] }]`,
    );
  }
  lines.push('scrape_configs:');
  for (const job of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job.job)}`);
    if (job.intervalSeconds) lines.push(`    scrape_interval: ${job.intervalSeconds}s`);
    if (job.metricsPath) lines.push(`    metrics_path: ${JSON.stringify(job.metricsPath)}`);
    lines.push('    static_configs:', `      - targets: ${JSON.stringify(job.targets)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts the real Prometheus binary on a free loopback port; its output goes to a log file. */
export async function startPrometheus(options: StartOptions = {}): Promise<RunningPrometheus> {
  const binary = prometheusComponent.path;
  if (!binary) throw new Error(`Prometheus not found: ${prometheusComponent.install}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-prom-'));
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, yamlConfig(options.scrape ?? [], options));
  const log = path.join(dir, 'prometheus.log');
  const url = `http://127.0.0.1:${port}`;
  const daemon = await startDaemon({
    name: 'Prometheus',
    binary,
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${options.storageDir ?? path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      `--query.timeout=${options.queryTimeout ?? '2m'}`,
      '--storage.tsdb.retention.time=3650d',
    ],
    log,
    readyUrl: `${url}/-/ready`,
  });
  return {
    url,
    port,
    dir,
    log,
    stop: () => daemon.stop(),
  };
}

/** Removes a stopped Prometheus' directory. */
export function cleanPrometheus(running: RunningPrometheus): void {
  rmSync(running.dir, { recursive: true, force: true });
}
