import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The real Docker Engine for integration tests: the test image, a one-node Swarm, Compose-style
 * containers and Swarm services labelled `ntma.test=<suite>` so each suite removes exactly what it
 * made (also leftovers of an earlier, interrupted run of the same suite).
 */

export const DOCKER_SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
export const docker = new Docker({ socketPath: DOCKER_SOCKET });

const ROOT = path.resolve(__dirname, '..', '..');
export const TEST_LABEL = 'ntma.test';

/**
 * Sidecar settings for the scaling suites: they test scaling, not load shedding, and on a busy
 * machine the rate limit or the event-loop-delay guard would otherwise answer 429/503.
 */
export const UNTHROTTLED: Record<string, string> = {
  NTMA_RATE_LIMIT_PER_MINUTE: '100000',
  NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000',
};

/** A container command that exits promptly on SIGTERM, like a well-behaved service. */
export const POLITE_SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];
/** PID 1 without a TERM handler ignores SIGTERM, so stopping it takes the whole grace period. */
export const STUBBORN_SLEEPER = ['sleep', '3600'];

let image: string | undefined;

/** Builds (once) and names the local busybox image with scripts/test-image. */
export function testImage(): string {
  if (image) return image;
  const out = execFileSync(path.join(ROOT, 'scripts', 'test-image'), { encoding: 'utf8', cwd: ROOT });
  image = out.trim().split('\n').pop() ?? '';
  if (!image) throw new Error(`scripts/test-image printed no image name:\n${out}`);
  return image;
}

/**
 * Makes the engine a one-node Swarm manager unless it already is one. The swarm is left up
 * afterwards: it costs nothing idle, other suites may share it, and leaving it avoids racing
 * another suite that is using it.
 */
export async function ensureSwarm(): Promise<void> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  if (info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable) return;
  try {
    await docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
  } catch (error) {
    // Another suite initialised it between our check and our call.
    if (!/already part of a swarm/i.test(String(error))) throw error;
  }
}

export interface ComposeServiceSpec {
  suite: string;
  project: string;
  service: string;
  replicas: number;
  labels?: Record<string, string>;
  cmd?: string[];
  /** Seconds Docker waits after SIGTERM before SIGKILL. */
  stopTimeout?: number;
}

/** Creates and starts containers labelled the way Docker Compose labels a service's replicas. */
export async function createComposeService(spec: ComposeServiceSpec): Promise<string> {
  const image = testImage();
  for (let n = 1; n <= spec.replicas; n += 1) {
    const container = await docker.createContainer({
      name: `${spec.project}-${spec.service}-${n}`,
      Image: image,
      Cmd: spec.cmd ?? POLITE_SLEEPER,
      Labels: {
        'com.docker.compose.project': spec.project,
        'com.docker.compose.service': spec.service,
        'com.docker.compose.container-number': String(n),
        'com.docker.compose.oneoff': 'False',
        [TEST_LABEL]: spec.suite,
        ...spec.labels,
      },
      ...(spec.stopTimeout !== undefined ? { StopTimeout: spec.stopTimeout } : {}),
      HostConfig: { NetworkMode: 'host' },
    });
    await container.start();
  }
  return `compose:${spec.project}:${spec.service}`;
}

/** The service's replicas as the engine lists them, oldest container number first. */
export async function composeReplicas(project: string, service: string): Promise<Docker.ContainerInfo[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`] },
  });
  const number = (c: Docker.ContainerInfo) => Number(c.Labels['com.docker.compose.container-number']);
  return list.sort((a, b) => number(a) - number(b));
}

export interface SwarmServiceSpec {
  suite: string;
  name: string;
  replicas: number;
  labels?: Record<string, string>;
}

export async function createSwarmService(spec: SwarmServiceSpec): Promise<string> {
  await docker.createService({
    Name: spec.name,
    Labels: { [TEST_LABEL]: spec.suite, ...spec.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: testImage(),
        Command: POLITE_SLEEPER,
        Labels: { [TEST_LABEL]: spec.suite },
        StopGracePeriod: 2_000_000_000,
      },
      // Bridge and overlay networking do not work with this dockerd; host networking does.
      Networks: [{ Target: 'host' }],
    },
    Mode: { Replicated: { Replicas: spec.replicas } },
  });
  return `swarm:${spec.name}`;
}

/** Tasks of the service that are running now. */
export async function runningTasks(service: string): Promise<number> {
  const tasks = (await docker.listTasks({ filters: { service: [service], 'desired-state': ['running'] } })) as Array<{
    Status?: { State?: string };
  }>;
  return tasks.filter((t) => t.Status?.State === 'running').length;
}

/** Removes every Swarm service and container this suite labelled. */
export async function removeTestResources(suite: string): Promise<void> {
  const filter = { label: [`${TEST_LABEL}=${suite}`] };
  try {
    const services = await docker.listServices({ filters: filter });
    await Promise.all(
      services.map((s) =>
        docker
          .getService(s.ID)
          .remove()
          .catch(() => undefined),
      ),
    );
  } catch {
    // Not a swarm manager: no services to remove.
  }
  const containers = await docker.listContainers({ all: true, filters: filter });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/** Polls `probe` every 200 ms until it returns true. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** One JSON request to a sidecar, for the scaling suites; never throws on an HTTP error status. */
export async function callJson<T = Record<string, unknown>>(
  url: string,
  options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
