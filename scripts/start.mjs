#!/usr/bin/env node
// `npm start`: the native stack without Docker. Sets itself up first (the Debian packages, installed as root or
// named with the apt-get command otherwise; `npm ci` when node_modules is missing or stale; the contract, sidecar,
// demo and plugin builds when their sources changed) and checks that its loopback ports are free. Then it starts
// Debian's Prometheus on loopback (when PROMETHEUS_URL is unset) with the NTMA alert rules, Debian's
// Alertmanager delivering them to the sidecar's webhook, Debian's node-exporter, the demo web
// service and its traffic generator, and the sidecar with demo/watchers.native.yml; prints the URLs.
// When a Docker Engine answers, it also gives the automatic policy a real Compose-labelled target
// (see nativeScaleTarget below).
// Ctrl-C stops everything it started. Each process's output goes to a log file under .data/logs/.
// The loopback ports are the ones in demo/src/stack/ports.ts, which prometheus.native.yml is generated from; each
// can be moved with its variable (NTMA_*_PORT), and a taken one stops npm start before it starts anything.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEEDS, ensureBuilds } from './lib/builds.mjs';
import { PACKAGES, ensurePackages } from './lib/deps.mjs';
import { ensureNodeModules } from './lib/npm-deps.mjs';
import { nodeVersionProblem } from './lib/node-version.mjs';
import { takenPorts } from './lib/ports.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.NTMA_DATA_DIR ?? path.join(root, '.data'));
const logDir = path.join(dataDir, 'logs');
const stackFile = path.join(dataDir, 'stack.json');
mkdirSync(logDir, { recursive: true });

/** Each port, its default (demo/src/stack/ports.ts) and the variable that moves it. */
const PORTS = {
  prometheus: { name: 'Prometheus', port: 9090, env: 'NTMA_PROMETHEUS_PORT' },
  sidecar: { name: 'the sidecar', port: 8787, env: 'NTMA_PORT' },
  alertmanager: { name: 'Alertmanager', port: 9093, env: 'NTMA_ALERTMANAGER_PORT' },
  nodeExporter: { name: 'node-exporter', port: 9100, env: 'NTMA_NODE_EXPORTER_PORT' },
  web: { name: 'the demo web service', port: 8080, env: 'NTMA_WEB_PORT' },
  loadgenControl: { name: "the traffic generator's control", port: 8089, env: 'NTMA_LOADGEN_PORT' },
};
const ports = Object.fromEntries(
  Object.entries(PORTS).map(([key, { port, env }]) => [key, Number(process.env[env] || port)]),
);

const children = [];
let stopping = false;
/** Cleanups that must run however npm start ends (containers it created). */
const cleanups = [];

function fail(message) {
  console.error(`npm start: ${message}`);
  stop(1);
}

function which(binary) {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Starts a long-running child with its output in .data/logs/<name>.log. */
function launch(name, command, args, env = {}) {
  const log = path.join(logDir, `${name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  children.push({ name, child, log });
  child.once('exit', (code, signal) => {
    if (!stopping) fail(`${name} exited (${signal ?? `code ${code}`}); see ${log}:\n${tail(log)}`);
  });
  return child;
}

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups) cleanup();
  const alive = children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  if (alive.length > 0) console.log(`\nnpm start: stopping ${alive.map((c) => c.name).join(', ')}`);
  let left = alive.length;
  if (left === 0) process.exit(code);
  const force = setTimeout(() => {
    for (const { child } of alive) child.kill('SIGKILL');
    process.exit(code);
  }, 10000);
  for (const { child } of alive) {
    child.once('exit', () => {
      left -= 1;
      if (left === 0) {
        clearTimeout(force);
        process.exit(code);
      }
    });
    child.kill('SIGTERM');
  }
}

// SIGHUP too: a closed terminal sends it, and Prometheus and Alertmanager take it as "reload" and would outlive
// npm start.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));

async function waitHttp(name, url, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!stopping) fail(`${name} did not answer ${url} within ${timeoutMs / 1000}s`);
}

/** The Debian packages, node_modules and the builds; false (after saying why) when npm start cannot go on. */
function setUp() {
  const started = Date.now();
  const nodeProblem = nodeVersionProblem();
  if (nodeProblem) return (fail(nodeProblem), false);
  // With PROMETHEUS_URL the user brings their own Prometheus.
  const wanted = PACKAGES.start.filter((p) => !(p === 'prometheus' && process.env.PROMETHEUS_URL));
  const packages = ensurePackages(wanted, { log: (line) => console.log(`npm start: ${line}`) });
  if (!packages.ok) return (fail(packages.message), false);
  const modules = ensureNodeModules(root, { log: (line) => console.log(`npm start: ${line}`) });
  if (!modules.ok) return (fail(modules.message), false);
  const builds = ensureBuilds(root, NEEDS.start, { log: (line) => console.log(`npm start: ${line}`) });
  if (!builds.ok) return (fail(builds.message), false);
  console.log(`npm start: set-up checked in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}

/** Every port this run will listen on, checked before anything starts, so a taken one leaves nothing behind. */
async function portsFree() {
  const needs = Object.entries(PORTS)
    .filter(([key]) => key !== 'prometheus' || !process.env.PROMETHEUS_URL)
    .map(([key, need]) => ({ ...need, port: ports[key] }));
  const taken = await takenPorts(needs);
  for (const problem of taken) console.error(`npm start: ${problem.message}`);
  if (taken.length > 0)
    fail(`${taken.length === 1 ? 'a port it needs is' : 'ports it needs are'} taken; nothing was started`);
  return taken.length === 0;
}

async function main() {
  if (!(await portsFree())) return;
  if (!setUp()) return;
  // Looked up after the set-up, which may just have installed them.
  const alertmanager = which('prometheus-alertmanager') ?? which('alertmanager');
  const nodeExporter = which('prometheus-node-exporter') ?? which('node_exporter');

  let prometheusUrl = process.env.PROMETHEUS_URL;
  if (!prometheusUrl) {
    const binary = which('prometheus');
    if (!binary) {
      fail(
        'Prometheus is not installed and PROMETHEUS_URL is unset. Run scripts/install-deps (as root), or set PROMETHEUS_URL.',
      );
      return;
    }
    const template = readFileSync(path.join(root, 'provisioning/prometheus/prometheus.native.yml'), 'utf8');
    const config = path.join(dataDir, 'prometheus.yml');
    writeFileSync(
      config,
      Object.entries(PORTS)
        .reduce((text, [key, { port }]) => text.replaceAll(`127.0.0.1:${port}'`, `127.0.0.1:${ports[key]}'`), template)
        .replace('- rules/ntma-alerts.yml', `- ${path.join(root, 'provisioning/prometheus/rules/ntma-alerts.yml')}`),
    );
    prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
    launch('prometheus', binary, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dataDir, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      // No --web.enable-lifecycle: nothing reloads it, and a page in a local browser could
      // otherwise stop it with a cross-site POST to /-/quit.
    ]);
    await waitHttp('Prometheus', `${prometheusUrl}/-/ready`);
  }

  // The webhook secret Alertmanager sends and the sidecar checks; made up when the user set none.
  // Kept across restarts, so a Grafana pointed at this stack keeps working.
  const amDir = path.join(dataDir, 'alertmanager');
  mkdirSync(amDir, { recursive: true });
  const secretFile = path.join(amDir, 'alert-secret');
  const alertSecret =
    process.env.NTMA_ALERT_SECRET ||
    (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : '') ||
    randomBytes(24).toString('hex');
  writeFileSync(secretFile, alertSecret, { mode: 0o600 });
  if (alertmanager) {
    const template = readFileSync(path.join(root, 'provisioning/alertmanager/alertmanager.yml'), 'utf8');
    writeFileSync(
      path.join(amDir, 'alertmanager.yml'),
      template.replaceAll('http://127.0.0.1:8787', `http://127.0.0.1:${ports.sidecar}`),
    );
    launch('alertmanager', alertmanager, [
      `--config.file=${path.join(amDir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(amDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
      // No peers: without this it listens for a cluster on every interface.
      '--cluster.listen-address=',
    ]);
    await waitHttp('Alertmanager', `http://127.0.0.1:${ports.alertmanager}/-/ready`);
  } else {
    console.warn(
      'npm start: prometheus-alertmanager not found (scripts/install-deps installs it); alerts are evaluated but never reach the sidecar, so the automatic policy stays idle',
    );
  }
  const scaleTarget = nativeScaleTarget();

  if (nodeExporter) {
    launch('node-exporter', nodeExporter, [
      `--web.listen-address=127.0.0.1:${ports.nodeExporter}`,
      '--collector.tcpstat',
      // Debian's build hides lo, and all native demo traffic runs over it.
      '--collector.netdev.device-exclude=^$',
    ]);
  } else {
    console.warn(
      'npm start: prometheus-node-exporter not found (scripts/install-deps installs it); host traffic watchers stay empty',
    );
  }
  launch('web', process.execPath, [path.join(root, 'demo/dist/web/server.js')], { WEB_PORT: String(ports.web) });
  await waitHttp('the demo web service', `http://127.0.0.1:${ports.web}/metrics`);
  // An hour-long demo day: its load changes a few times faster than a real day's, slowly enough
  // that the watchers' 10-minute models follow it; a shorter day swings faster than any model
  // without a full day of history can forecast, and reads as an anomaly.
  launch('loadgen', process.execPath, [path.join(root, 'demo/dist/loadgen/main.js')], {
    LOADGEN_DAY_SECONDS: process.env.LOADGEN_DAY_SECONDS ?? '3600',
    LOADGEN_TARGET_URL: `http://127.0.0.1:${ports.web}`,
    LOADGEN_CONTROL_PORT: String(ports.loadgenControl),
  });

  launch('sidecar', process.execPath, [path.join(root, 'sidecar/dist/server.js')], {
    PROMETHEUS_URL: prometheusUrl,
    NTMA_PORT: String(ports.sidecar),
    NTMA_ALERT_SECRET: alertSecret,
    NTMA_DATA_DIR: process.env.NTMA_DATA_DIR ?? path.join(dataDir, 'sidecar'),
    // Short training windows suited to loadgen's compressed day: bands within minutes, not 72.
    NTMA_WATCHERS: process.env.NTMA_WATCHERS ?? path.join(root, 'demo/watchers.native.yml'),
  });
  const sidecarUrl = `http://127.0.0.1:${ports.sidecar}`;
  await waitHttp('the sidecar', `${sidecarUrl}/readyz`);
  if (stopping) return;
  // Where this stack listens, for `npm run demo:attack` (scripts/demo-attack.mjs); removed again on exit.
  writeFileSync(
    stackFile,
    `${JSON.stringify({ prometheus: prometheusUrl, sidecar: sidecarUrl, loadgenControl: `http://127.0.0.1:${ports.loadgenControl}` })}\n`,
  );
  cleanups.push(() => rmSync(stackFile, { force: true }));

  console.log(`
NTMA is running.
  Sidecar       ${sidecarUrl}   (readiness ${sidecarUrl}/readyz, API docs ${sidecarUrl}/docs, metrics ${sidecarUrl}/metrics)
  Prometheus    ${prometheusUrl}   (alerts ${prometheusUrl}/alerts)
  Alertmanager  ${alertmanager ? `http://127.0.0.1:${ports.alertmanager}` : '(not installed: no automatic decisions)'}
  Scale target  ${scaleTarget ?? '(none: no Docker Engine answered; the policy will call the target unknown)'}
  Demo web      http://127.0.0.1:${ports.web}   (traffic from loadgen; control http://127.0.0.1:${ports.loadgenControl})
  Logs          ${logDir}

Play an attack:  npm run demo:attack
Use an existing Grafana (>= 12): give it the environment
  PROMETHEUS_URL=${prometheusUrl} NTMA_SIDECAR_URL=${sidecarUrl} NTMA_DASHBOARDS_DIR=${path.join(root, 'dashboards')}
  NTMA_ALERT_SECRET=$(cat ${secretFile}) (plus NTMA_API_TOKEN if you set it), point its provisioning path at ${path.join(root, 'provisioning')},
  load unsigned plugins ntma-anomaly-app,ntma-anomalybands-panel,ntma-bands-datasource from ${path.join(root, 'plugin/dist')}. See provisioning/README.md.
Press Ctrl-C to stop.`);
}

/**
 * The native web service is one Node process, which the Docker backend cannot scale. So that the
 * automatic policy has a real target to decide about, this creates the Compose-labelled service
 * `compose:ntma-native:web` (the target of the demo_request_rate watcher) from the local busybox
 * image: idle stand-in replicas that the policy scales in dry-run by default, and for real with
 * NTMA_SCALE_AUTO_DRY_RUN=false (`docker ps` shows them). Removed again on exit.
 */
function nativeScaleTarget() {
  const project = 'ntma-native';
  const docker = which('docker');
  const answers =
    docker && spawnSync(docker, ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 }).status === 0;
  if (!answers) {
    console.warn(
      'npm start: no Docker Engine answers (scripts/start-dockerd starts one); the automatic policy gets no target',
    );
    return undefined;
  }
  const image = spawnSync('bash', [path.join(root, 'scripts/test-image')], { encoding: 'utf8' });
  if (image.status !== 0) {
    console.warn(`npm start: could not build the local busybox image: ${image.stderr.trim()}`);
    return undefined;
  }
  const removeAll = () => {
    const ids = spawnSync(docker, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
      encoding: 'utf8',
    }).stdout.trim();
    if (ids) spawnSync(docker, ['rm', '-f', ...ids.split('\n')], { stdio: 'ignore' });
  };
  removeAll();
  cleanups.push(removeAll);
  const labels = {
    'com.docker.compose.project': project,
    'com.docker.compose.service': 'web',
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False',
    'ntma.scale.enabled': 'true',
    'ntma.scale.min': '1',
    'ntma.scale.max': '6',
    'ntma.scale.step': '2',
    'ntma.scale.cooldown': '60s',
    'ntma.scale.auto': 'on',
    'ntma.scale.attack-max': '4',
    // The predictive policy's capacity model: the demo day peaks near 40 requests/s, so one stand-in
    // replica is taken to serve 10 (planned at 70%), and a new one to serve within 15 s.
    'ntma.scale.capacity': '10',
    'ntma.scale.lead': '15s',
    'ntma.scale.stabilisation': '2m',
    'ntma.scale.watcher': 'demo_request_rate',
  };
  const run = spawnSync(
    docker,
    [
      'run',
      '-d',
      '--name',
      `${project}-web-1`,
      '--network',
      'none',
      ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      image.stdout.trim().split('\n').pop(),
      'sh',
      '-c',
      'trap "exit 0" TERM; sleep 2147483647 & wait',
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) {
    console.warn(`npm start: could not create the demo scale target: ${run.stderr.trim()}`);
    return undefined;
  }
  return `compose:${project}:web (stand-in replicas; dry-run unless NTMA_SCALE_AUTO_DRY_RUN=false)`;
}

main().catch((error) => fail(error instanceof Error ? error.stack : String(error)));
