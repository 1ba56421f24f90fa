#!/usr/bin/env node
/**
 * Scaling benchmark (issue 5). Runs the built sidecar as its own process against the real Docker
 * Engine and measures, for a Compose-labelled service and a one-node Swarm service, the time from
 * the API call to the engine having converged:
 * - scale-out 1 -> 5: until 5 replicas are running;
 * - scale-in 5 -> 1: until exactly one replica is left running.
 * It also reports how long the API took to answer. The replicas run the local busybox image with
 * a command that exits on SIGTERM, so scale-in measures the engine, not a grace period.
 * Prints a table and writes bench/results/scale.json. Never part of `npm test`.
 *
 * Needs: dockerd (scripts/start-dockerd). Usage: node bench/scale.mjs [--quick] [--skip-build]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { ROOT, flag } from './cli.mjs';
import { freePort } from './processes.mjs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';

const QUICK = flag('--quick');
const SKIP_BUILD = flag('--skip-build');
const RUNS = QUICK ? 2 : 5;
const TOKEN = 'bench-token-0123456789abcdef';
const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
const SUITE = 'bench-scale';
const FROM = 1;
const TO = 5;
const TIMEOUT_MS = 120_000;
const POLITE_SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

const docker = new Docker({ socketPath: SOCKET });

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

async function until(what, probe, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const r = (v) => Number(v.toFixed(0));
  return { median: r(median), min: r(sorted[0]), max: r(sorted[sorted.length - 1]), runs: sorted.length };
}

async function cleanup() {
  const filters = { label: [`ntma.test=${SUITE}`] };
  try {
    for (const s of await docker.listServices({ filters }))
      await docker
        .getService(s.ID)
        .remove()
        .catch(() => {});
  } catch {
    // not a swarm manager
  }
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => {});
  }
}

async function ensureSwarm() {
  const info = await docker.info();
  if (info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable) return;
  await docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
}

const optIn = { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': String(TO) };

async function composeFixture(image) {
  const project = `ntmabench${Date.now().toString(36)}`;
  const container = await docker.createContainer({
    name: `${project}-web-1`,
    Image: image,
    Cmd: POLITE_SLEEPER,
    Labels: {
      'com.docker.compose.project': project,
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'ntma.test': SUITE,
      ...optIn,
    },
    HostConfig: { NetworkMode: 'host' },
  });
  await container.start();
  return {
    id: `compose:${project}:web`,
    // Converged when exactly `n` replicas exist and all of them run.
    async converged(n) {
      const list = await docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=web'] },
      });
      return list.length === n && list.every((c) => c.State === 'running');
    },
  };
}

async function swarmFixture(image) {
  const name = `ntmabench-${Date.now().toString(36)}`;
  await docker.createService({
    Name: name,
    Labels: { 'ntma.test': SUITE, ...optIn },
    TaskTemplate: {
      ContainerSpec: { Image: image, Command: POLITE_SLEEPER, StopGracePeriod: 2_000_000_000 },
      Networks: [{ Target: 'host' }],
    },
    Mode: { Replicated: { Replicas: FROM } },
  });
  return {
    id: `swarm:${name}`,
    // Converged when exactly `n` tasks are in state running (stopping ones no longer count).
    async converged(n) {
      const tasks = await docker.listTasks({ filters: { service: [name] } });
      return tasks.filter((t) => t.Status?.State === 'running').length === n;
    },
  };
}

async function startSidecar(dataDir) {
  const port = await freePort();
  const logFile = path.join(dataDir, 'sidecar.log');
  const child = spawn(process.execPath, [path.join(ROOT, 'sidecar', 'dist', 'server.js')], {
    env: {
      PATH: process.env.PATH,
      NTMA_HOST: '127.0.0.1',
      NTMA_PORT: String(port),
      NTMA_API_TOKEN: TOKEN,
      NTMA_DATA_DIR: dataDir,
      DOCKER_SOCKET: SOCKET,
      NTMA_LOG_LEVEL: 'warn',
      NTMA_FIT_WORKERS: '1',
      NTMA_RATE_LIMIT_PER_MINUTE: '100000',
      NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000',
    },
    stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
  });
  const url = `http://127.0.0.1:${port}`;
  await until(
    `the sidecar at ${url} (log: ${logFile})`,
    async () => {
      if (child.exitCode !== null) throw new Error(`the sidecar exited; see ${logFile}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    60_000,
  );
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

async function scale(url, id, replicas) {
  const response = await fetch(`${url}/api/v1/targets/${encodeURIComponent(id)}/scale`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ replicas, reason: 'bench/scale.mjs' }),
  });
  if (!response.ok) throw new Error(`scale ${id} to ${replicas}: HTTP ${response.status} ${await response.text()}`);
}

/** One timed change: API answer time and time until the engine has converged. */
async function timed(url, fixture, replicas) {
  const start = performance.now();
  await scale(url, fixture.id, replicas);
  const answered = performance.now() - start;
  await until(`${fixture.id} at ${replicas} running replicas`, () => fixture.converged(replicas));
  return { answered, converged: performance.now() - start };
}

async function main() {
  if (!SKIP_BUILD) {
    log('building the sidecar (npm run build -w sidecar)');
    try {
      execFileSync('npm', ['run', 'build', '-w', 'sidecar'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      log('the build reported type errors; running the emitted dist/ anyway');
    }
  }
  const image = execFileSync(path.join(ROOT, 'scripts', 'test-image'), { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  await cleanup();
  await ensureSwarm();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ntma-bench-scale-'));
  const sidecar = await startSidecar(dataDir);
  const results = {};
  try {
    for (const [backend, make] of [
      ['compose', composeFixture],
      ['swarm', swarmFixture],
    ]) {
      const fixture = await make(image);
      await until(`${fixture.id} to start`, () => fixture.converged(FROM));
      const samples = { out: [], in: [] };
      for (let run = 1; run <= RUNS; run += 1) {
        samples.out.push(await timed(sidecar.url, fixture, TO));
        samples.in.push(await timed(sidecar.url, fixture, FROM));
        log(
          `${backend} run ${run}/${RUNS}: ${FROM}->${TO} ${samples.out.at(-1).converged.toFixed(0)} ms, ` +
            `${TO}->${FROM} ${samples.in.at(-1).converged.toFixed(0)} ms`,
        );
      }
      results[backend] = {
        [`out_${FROM}_to_${TO}`]: {
          convergedMs: stats(samples.out.map((s) => s.converged)),
          apiAnswerMs: stats(samples.out.map((s) => s.answered)),
        },
        [`in_${TO}_to_${FROM}`]: {
          convergedMs: stats(samples.in.map((s) => s.converged)),
          apiAnswerMs: stats(samples.in.map((s) => s.answered)),
        },
      };
    }
  } catch (error) {
    // Kept for the sidecar's log, which may say why.
    process.stderr.write(`bench/scale.mjs: the sidecar's data directory and log are kept in ${dataDir}\n`);
    throw error;
  } finally {
    await sidecar.stop();
    await cleanup();
  }
  rmSync(dataDir, { recursive: true, force: true });

  const version = await docker.version();
  const report = {
    benchmark: 'scale',
    date: new Date().toISOString(),
    quick: QUICK,
    runs: RUNS,
    machine: { cpus: os.cpus().length, node: process.version, docker: version.Version, storageDriver: 'vfs' },
    definition:
      'ms from POST /api/v1/targets/:id/scale until the engine has converged (all new replicas running; ' +
      'after scale-in exactly one running); apiAnswerMs is when the API answered',
    results,
  };
  console.log(`\nScaling through the API (${RUNS} runs each, median [min..max] ms)`);
  console.log('backend  change  converged               API answered');
  for (const [backend, changes] of Object.entries(results)) {
    for (const [change, m] of Object.entries(changes)) {
      const c = m.convergedMs;
      const a = m.apiAnswerMs;
      console.log(
        `${backend.padEnd(8)} ${change.replace(/_/g, ' ').padEnd(13)} ${String(c.median).padStart(6)} [${c.min}..${c.max}]`.padEnd(
          46,
        ) + `${String(a.median).padStart(6)} [${a.min}..${a.max}]`,
      );
    }
  }
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  const out = path.join(ROOT, 'bench', 'results', 'scale.json');
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

main().catch(async (error) => {
  process.stderr.write(`bench/scale.mjs failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  await cleanup().catch(() => {});
  process.exit(1);
});
