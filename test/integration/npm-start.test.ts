/**
 * `npm start` itself (scripts/start.mjs), as a newcomer runs it: it builds, starts the native stack
 * on its fixed loopback ports, wires Prometheus' rules to Alertmanager and Alertmanager to the
 * sidecar with a made-up secret, gives the policy its Compose-labelled demo target, and Ctrl-C
 * stops every process, frees every port and removes the target's containers. With a port taken it names the
 * holder and the variable that moves it, and starts nothing. On ports moved by their variables, `npm run demo:attack`
 * finds them with no set-up of its own, and a closed terminal stops it all as Ctrl-C does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NATIVE_PORTS } from '../../demo/src/stack/ports.js';
import { alertmanager, describeWith, dockerd, prometheus } from '../support/components.js';
import { composeReplicas } from '../support/docker.js';
import { freePort, waitFor } from '../support/ports.js';

const ROOT = path.resolve(__dirname, '../..');
const PORTS = Object.values(NATIVE_PORTS).filter((p) => p !== NATIVE_PORTS.grafana);

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function busyPorts(): Promise<number[]> {
  const free = await Promise.all(PORTS.map(portFree));
  return PORTS.filter((_, i) => !free[i]);
}

describeWith([prometheus, alertmanager, dockerd], 'npm start (the native stack)', () => {
  let dataDir: string;
  let log: string;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  const output = () => readFileSync(log, 'utf8');

  beforeAll(async () => {
    const busy = await busyPorts();
    // Another stack (a developer's own npm start) holds the ports: say so rather than fail obscurely.
    if (busy.length > 0) throw new Error(`npm start needs loopback ports ${busy.join(', ')}, which are in use`);
    dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-start-'));
    log = path.join(dataDir, 'npm-start.log');
    const out = openSync(log, 'a');
    // A newcomer's environment: nothing of ours set but where to keep the data.
    const env: NodeJS.ProcessEnv = { ...process.env, NTMA_DATA_DIR: dataDir };
    for (const name of ['NTMA_ALERT_SECRET', 'NTMA_API_TOKEN', 'NTMA_WATCHERS', 'NTMA_PORT', 'PROMETHEUS_URL']) {
      delete env[name];
    }
    child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', out, out],
    });
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('npm start to say the stack is running', async () => output().includes('NTMA is running.'), 180_000);
  }, 200_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('serves the sidecar, ready, on its port', async () => {
    const ready = await fetch(`http://127.0.0.1:${NATIVE_PORTS.sidecar}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('runs Prometheus without its lifecycle API, so a cross-site POST cannot stop it', async () => {
    const quit = await fetch(`http://127.0.0.1:${NATIVE_PORTS.prometheus}/-/quit`, { method: 'POST' });
    expect(quit.status).toBe(403);
    expect(await quit.text()).toMatch(/lifecycle api is not enabled/i);
    const ready = await fetch(`http://127.0.0.1:${NATIVE_PORTS.prometheus}/-/ready`);
    expect(ready.status).toBe(200);
  });

  it('has Prometheus evaluate the NTMA rules and send them to Alertmanager', async () => {
    const rules = (await (await fetch(`http://127.0.0.1:${NATIVE_PORTS.prometheus}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string }> }> };
    };
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name)).sort()).toEqual([
      'Traffic above its forecast band',
      'Traffic below its forecast band',
      'Traffic looks like an attack',
      'Watched traffic stopped reporting',
    ]);
    await waitFor('Prometheus to discover Alertmanager', async () => {
      const answer = (await (
        await fetch(`http://127.0.0.1:${NATIVE_PORTS.prometheus}/api/v1/alertmanagers`)
      ).json()) as {
        data: { activeAlertmanagers: Array<{ url: string }> };
      };
      return answer.data.activeAlertmanagers.some((a) => a.url.includes(`127.0.0.1:${NATIVE_PORTS.alertmanager}`));
    });
  });

  it('guards the alert webhook with the secret it made up and handed to Alertmanager', async () => {
    const secret = readFileSync(path.join(dataDir, 'alertmanager/alert-secret'), 'utf8');
    expect(secret).toMatch(/^[0-9a-f]{48}$/);
    const url = `http://127.0.0.1:${NATIVE_PORTS.sidecar}/api/v1/alerts/alertmanager`;
    const body = JSON.stringify({ receiver: 'ntma-sidecar', alerts: [] });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    const authorized = await fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${secret}` },
      body,
    });
    expect(authorized.status).toBe(200);
  });

  it('gives the automatic policy its Compose-labelled demo target, in dry-run', async () => {
    const answer = (await (await fetch(`http://127.0.0.1:${NATIVE_PORTS.sidecar}/api/v1/targets`)).json()) as {
      targets: Array<{ id: string; desired: number; auto: { mode: string; dryRun: boolean } }>;
    };
    expect(answer.targets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'compose:ntma-native:web',
          desired: 1,
          auto: expect.objectContaining({ dryRun: true }),
        }),
      ]),
    );
  });

  it('stops everything on Ctrl-C: processes, ports and the demo containers', async () => {
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toMatch(/stopping .*prometheus.*alertmanager.*sidecar/);
    await waitFor('every port to be free', async () => (await busyPorts()).length === 0, 15_000);
    expect(await composeReplicas('ntma-native', 'web')).toEqual([]);
  }, 30_000);
});

describeWith([prometheus, alertmanager], 'npm start with a port taken', () => {
  it('names the process that holds it and the variable that moves it, and starts nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-start-taken-'));
    const before = await busyPorts();
    // The sidecar's port: the last process npm start would launch, so a late failure would leave the rest running.
    const holder = createServer();
    const weHoldIt = await new Promise<boolean>((resolve) => {
      holder.once('error', () => resolve(false));
      holder.listen(NATIVE_PORTS.sidecar, '127.0.0.1', () => resolve(true));
    });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, NTMA_DATA_DIR: dataDir };
      for (const name of ['NTMA_PORT', 'PROMETHEUS_URL', 'NTMA_PROMETHEUS_PORT']) delete env[name];
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], { cwd: ROOT, env });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

      expect(code).toBe(1);
      const holderText = weHoldIt ? `\\S+ \\(pid ${process.pid}: ` : '';
      expect(output).toMatch(
        new RegExp(
          `port ${NATIVE_PORTS.sidecar} \\(the sidecar\\) is taken by ${holderText}.*NTMA_PORT=\\d+ npm start`,
        ),
      );
      expect(output).toMatch(/nothing was started/);
      expect(output).not.toMatch(/NTMA is running/);
      // Nothing was launched: no process log was opened, and no port of the stack is held that was free before.
      expect(readdirSync(path.join(dataDir, 'logs'))).toEqual([]);
      expect((await busyPorts()).filter((p) => p !== NATIVE_PORTS.sidecar)).toEqual(
        before.filter((p) => p !== NATIVE_PORTS.sidecar),
      );
    } finally {
      holder.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** SIGHUP to `pid`, unless it is already gone. */
function hangUp(pid: number): void {
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Whether `pid` is still a running process (a zombie is not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describeWith([prometheus, alertmanager], 'npm start on ports of its own, until its terminal closes', () => {
  let dataDir: string;
  let log: string;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let started: number[] = [];
  const moved: Record<string, string> = {};
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-start-moved-'));
    // Ports of its own, so this stack never meets a developer's; no Docker Engine, so no demo container either.
    for (const name of [
      'NTMA_PROMETHEUS_PORT',
      'NTMA_PORT',
      'NTMA_ALERTMANAGER_PORT',
      'NTMA_NODE_EXPORTER_PORT',
      'NTMA_WEB_PORT',
      'NTMA_LOADGEN_PORT',
    ]) {
      let port = await freePort();
      while (Object.values(moved).includes(String(port))) port = await freePort();
      moved[name] = String(port);
    }
    env = { ...process.env, NTMA_DATA_DIR: dataDir };
    for (const name of [
      'PROMETHEUS_URL',
      'NTMA_WATCHERS',
      'NTMA_API_TOKEN',
      'NTMA_ALERT_SECRET',
      'NTMA_SIDECAR_URL',
      'LOADGEN_CONTROL_URL',
    ]) {
      delete env[name];
    }
    log = path.join(dataDir, 'npm-start.log');
    const out = openSync(log, 'a');
    child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env: { ...env, ...moved, DOCKER_HOST: `unix://${path.join(dataDir, 'no-docker.sock')}` },
      stdio: ['ignore', out, out],
    });
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      'npm start to say the stack is running',
      async () => readFileSync(log, 'utf8').includes('NTMA is running.'),
      120_000,
    );
    const pid = child.pid ?? 0;
    started = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  }, 150_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    // Should npm start fail to, what it left running goes here, by PID, so no later test meets it.
    for (const p of started.filter(running)) process.kill(p, 'SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('lets `npm run demo:attack` find the ports it chose, with nothing more to set up', () => {
    // The user's environment, not the stack's: demo:attack learns the URLs from what npm start left in its data dir.
    const attack = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'scripts/demo-attack.mjs'), ...args], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const played = attack('--watch', '3');
    expect({ status: played.status, stderr: played.stderr }).toEqual({
      status: 0,
      stderr: expect.not.stringMatching(/demo:attack:/),
    });
    expect(played.stdout).toMatch(/^attack started at /m);
    // Each URL it polls answered: an unreachable Prometheus, sidecar or loadgen is reported as "not available".
    expect(played.stdout).not.toMatch(/not available/);
    expect(played.stdout).toMatch(/^--- summary$/m);
    const normal = attack('--normal');
    expect(normal.status).toBe(0);
    expect(normal.stdout).toMatch(/loadgen: back to the normal profile/);
  }, 90_000);

  it('stops every process it started when its terminal closes, though Prometheus and Alertmanager take SIGHUP as "reload"', async () => {
    const names = started.map((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim());
    expect(names).toEqual(expect.arrayContaining(['prometheus', 'prometheus-aler']));

    // A closing terminal hangs up its whole foreground process group: npm start and every child it started.
    // The kernel does that at once; this loop is not atomic, so on a loaded machine npm start may already have
    // stopped (and reaped) a child before its turn comes: that one is gone, which is the point.
    for (const p of [child.pid ?? 0, ...started]) hangUp(p);
    expect(await exited).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/stopping .*prometheus.*alertmanager/);
    await waitFor('every process npm start started to be gone', async () => started.every((p) => !running(p)), 15_000);
    const ports = Object.values(moved).map(Number);
    expect((await Promise.all(ports.map(portFree))).every(Boolean)).toBe(true);
  }, 30_000);
});
