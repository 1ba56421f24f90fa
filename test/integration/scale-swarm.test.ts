import { SwarmBackend } from '../../sidecar/src/scale/swarm-backend.js';
import { describeWith, dockerd } from '../support/components.js';
import {
  DOCKER_SOCKET,
  callJson,
  createSwarmService,
  docker,
  ensureSwarm,
  eventually,
  removeTestResources,
  runningTasks,
  UNTHROTTLED,
} from '../support/docker.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const SUITE = 'scale-swarm';

interface ScaleAnswer {
  before: number;
  after: number;
  changed: boolean;
  message?: string;
}

/** Swarm is left initialised after the suite (see ensureSwarm); only its services are removed. */
describeWith([dockerd], 'scaling a one-node Docker Swarm service', () => {
  const name = `ntmat-${Date.now().toString(36)}`;
  const labels = { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '4' };
  let sidecar: RunningSidecar;
  let id: string;

  const scale = (body: unknown) =>
    callJson<ScaleAnswer>(`${sidecar.url}/api/v1/targets/${encodeURIComponent(id)}/scale`, { token: TEST_TOKEN, body });
  const desired = async () => (await docker.getService(name).inspect()).Spec?.Mode?.Replicated?.Replicas;

  beforeAll(async () => {
    await removeTestResources(SUITE);
    await ensureSwarm();
    id = await createSwarmService({ suite: SUITE, name, replicas: 1, labels });
    await eventually('the first task to run', async () => (await runningTasks(name)) === 1);
    sidecar = await startSidecar({ ...UNTHROTTLED });
  });

  afterAll(async () => {
    await sidecar?.close();
    await removeTestResources(SUITE);
  });

  it('scales the service 1 -> 3 -> 1 and the engine converges on it', async () => {
    const out = await scale({ replicas: 3, reason: 'swarm test' });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ before: 1, after: 3, changed: true });
    expect(await desired()).toBe(3);
    await eventually('3 running tasks', async () => (await runningTasks(name)) === 3);

    const listed = await callJson<{ targets: Array<Record<string, unknown>> }>(`${sidecar.url}/api/v1/targets`, {
      token: TEST_TOKEN,
    });
    expect(listed.body.targets).toContainEqual(
      expect.objectContaining({ id, backend: 'swarm', service: name, desired: 3, running: 3 }),
    );

    const back = await scale({ delta: -2, reason: 'swarm test' });
    expect(back.body).toMatchObject({ before: 3, after: 1 });
    await eventually('1 running task', async () => (await runningTasks(name)) === 1);
  });

  it('refuses to pass the service max', async () => {
    const above = await scale({ replicas: 5, reason: 'too many' });
    expect(above.status).toBe(409);
    expect(above.body.message).toMatch(/above the target's max 4/);
    expect(await desired()).toBe(1);
  });

  it('retries when another writer bumps the service version between read and update', async () => {
    // Five writers outside any lock read the same version; the engine refuses all but one per
    // round ("update out of sequence") and each loser re-reads and tries again.
    let refusals = 0;
    // The real engine, with its update answers counted on the way through.
    const counting = Object.create(docker) as typeof docker;
    counting.getService = (serviceId: string) => {
      const handle = docker.getService(serviceId);
      const update = handle.update.bind(handle) as (options: object) => Promise<unknown>;
      handle.update = ((options: object) =>
        update(options).catch((error: unknown) => {
          refusals += 1;
          throw error;
        })) as typeof handle.update;
      return handle;
    };
    const counts = [2, 3, 4, 3, 2];
    const writers = counts.map(() => new SwarmBackend({ docker: counting, socket: DOCKER_SOCKET, maxAttempts: 10 }));
    const results = await Promise.all(writers.map((w, i) => w.setReplicas(id, counts[i]!)));
    expect(results).toHaveLength(5);
    expect(refusals).toBeGreaterThan(0);
    expect([2, 3, 4]).toContain(await desired());
    await scale({ replicas: 1, reason: 'reset' });
  });

  it('answers 404 once the service is gone', async () => {
    await docker.getService(name).remove();
    const gone = await scale({ replicas: 2, reason: 'late' });
    expect(gone.status).toBe(404);
  });
});
