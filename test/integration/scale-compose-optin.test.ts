import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWith, dockerd } from '../support/components.js';
import {
  callJson,
  composeReplicas,
  createComposeService,
  docker,
  POLITE_SLEEPER,
  removeTestResources,
  TEST_LABEL,
  testImage,
  UNTHROTTLED,
} from '../support/docker.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const SUITE = 'scale-compose-optin';

interface TargetAnswer {
  id: string;
  labelError?: string;
  limits: { min: number; max: number };
}

/**
 * A Compose target is whatever carries the project/service labels, so anyone who can create one
 * container can join a service. These tests add such a stray container on the real engine and
 * check that it can neither opt the service in, nor change its limits, nor become the template
 * that new replicas are cloned from.
 */
describeWith([dockerd], 'Compose opt-in is decided by every replica, on the real Docker Engine', () => {
  const project = `ntmao${Date.now().toString(36)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-scale-optin-'));
  let sidecar: RunningSidecar;

  const scale = (id: string, body: unknown) =>
    callJson<{ before: number; after: number; message?: string; code?: string }>(
      `${sidecar.url}/api/v1/targets/${encodeURIComponent(id)}/scale`,
      { token: TEST_TOKEN, body },
    );
  const target = async (id: string): Promise<TargetAnswer | undefined> => {
    const listed = await callJson<{ targets: TargetAnswer[] }>(`${sidecar.url}/api/v1/targets`, { token: TEST_TOKEN });
    expect(listed.status).toBe(200);
    return listed.body.targets.find((t) => t.id === id);
  };

  /** A container that claims to be replica `number` of the service, with its own labels and host config. */
  const stray = async (
    service: string,
    number: number,
    labels: Record<string, string>,
    hostConfig: Record<string, unknown> = {},
  ): Promise<string> => {
    const container = await docker.createContainer({
      name: `${project}-${service}-${number}`,
      Image: testImage(),
      Cmd: POLITE_SLEEPER,
      Labels: {
        'com.docker.compose.project': project,
        'com.docker.compose.service': service,
        'com.docker.compose.container-number': String(number),
        'com.docker.compose.oneoff': 'False',
        [TEST_LABEL]: SUITE,
        ...labels,
      },
      HostConfig: { NetworkMode: 'host', ...hostConfig },
    });
    await container.start();
    return container.id;
  };

  beforeAll(async () => {
    testImage();
    await removeTestResources(SUITE);
    sidecar = await startSidecar({ NTMA_DATA_DIR: dataDir, ...UNTHROTTLED });
  });

  afterAll(async () => {
    await sidecar?.close();
    await removeTestResources(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a stray container that opts in with min=0 does not make a service scalable to zero', async () => {
    const id = await createComposeService({ suite: SUITE, project, service: 'quiet', replicas: 2 });
    await stray('quiet', 3, { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '0' });

    const answer = await scale(id, { replicas: 0, reason: 'stray opt-in' });
    expect(await composeReplicas(project, 'quiet')).toHaveLength(3);
    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/not scalable: replicas disagree on ntma\.scale\.enabled/);

    const listed = await target(id);
    expect(listed?.labelError).toMatch(
      /replicas disagree on ntma\.scale\.enabled: unset on .*-quiet-1, "true" on .*-quiet-3/,
    );
  });

  it('does not list a service whose replicas differ only on limits, none of them opted in', async () => {
    const id = await createComposeService({
      suite: SUITE,
      project,
      service: 'unlisted',
      replicas: 1,
      labels: { 'ntma.scale.max': '4' },
    });
    await stray('unlisted', 2, { 'ntma.scale.max': '9' });
    expect(await target(id)).toBeUndefined();
    expect((await scale(id, { replicas: 1, reason: 'not opted in' })).status).toBe(403);
  });

  it('a stray container with lower limits makes an opted-in service refuse every request', async () => {
    const limits = { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '5' };
    const id = await createComposeService({ suite: SUITE, project, service: 'limited', replicas: 2, labels: limits });
    await stray('limited', 3, { ...limits, 'ntma.scale.min': '0' });

    const down = await scale(id, { replicas: 0, reason: 'lower limits' });
    expect(await composeReplicas(project, 'limited')).toHaveLength(3);
    expect(down.status).toBe(409);
    const up = await scale(id, { delta: 1, reason: 'even within the limits' });
    expect(up.status).toBe(409);
    expect(await composeReplicas(project, 'limited')).toHaveLength(3);
    const listed = await target(id);
    expect(listed?.labelError).toMatch(
      /replicas disagree on ntma\.scale\.min: "1" on .*-limited-1, "0" on .*-limited-3/,
    );

    const log = await callJson<{ items: Array<{ status: string; detail?: string }> }>(
      `${sidecar.url}/api/v1/audit?target=${encodeURIComponent(id)}`,
      { token: TEST_TOKEN },
    );
    expect(log.body.items.map((i) => i.status)).toEqual(['refused', 'refused']);
    expect(log.body.items[0]?.detail).toMatch(/ntma\.scale\.min/);
  });

  it('clones the oldest replica, never a newer more privileged one, and scales in the newest first', async () => {
    const labels = { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '5' };
    const id = await createComposeService({ suite: SUITE, project, service: 'tmpl', replicas: 1, labels });
    const [original] = await composeReplicas(project, 'tmpl');
    // Same labels, so the group agrees; but it has a host path, a device, a capability, the
    // host's PID namespace and no seccomp. (Privileged mode itself cannot start on this engine.)
    const strayId = await stray('tmpl', 2, labels, {
      Binds: [`${tmpdir()}:/host-tmp`],
      Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/stray-null', CgroupPermissions: 'rwm' }],
      CapAdd: ['SYS_ADMIN'],
      PidMode: 'host',
      SecurityOpt: ['seccomp=unconfined'],
    });
    expect((await target(id))?.labelError).toBeUndefined();

    const out = await scale(id, { replicas: 4, reason: 'clone' });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ before: 2, after: 4 });
    const replicas = await composeReplicas(project, 'tmpl');
    const clones = replicas.filter((c) => c.Id !== original!.Id && c.Id !== strayId);
    expect(clones.map((c) => c.Labels['com.docker.compose.container-number'])).toEqual(['3', '4']);
    for (const clone of clones) {
      const inspected = await docker.getContainer(clone.Id).inspect();
      expect(inspected.HostConfig.Binds ?? []).toEqual([]);
      expect(inspected.HostConfig.Devices ?? []).toEqual([]);
      expect(inspected.HostConfig.CapAdd ?? []).toEqual([]);
      expect(inspected.HostConfig.PidMode ?? '').toBe('');
      expect(inspected.HostConfig.SecurityOpt ?? []).toEqual([]);
    }

    const back = await scale(id, { delta: -2, reason: 'back' });
    expect(back.status).toBe(200);
    const left = (await composeReplicas(project, 'tmpl')).map((c) => c.Id);
    expect(left).toEqual([original!.Id, strayId]);
  });
});
