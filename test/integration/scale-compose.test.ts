import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWith, dockerd } from '../support/components.js';
import {
  callJson,
  composeReplicas,
  createComposeService,
  docker,
  removeTestResources,
  testImage,
  UNTHROTTLED,
} from '../support/docker.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const SUITE = 'scale-compose';

interface ScaleAnswer {
  target: string;
  before: number;
  after: number;
  dryRun: boolean;
  changed: boolean;
  auditId: string;
  replayed: boolean;
  message?: string;
  code?: string;
}
interface AuditAnswer {
  items: Array<Record<string, unknown> & { id: string; status: string }>;
  total: number;
}

describeWith([dockerd], 'scaling Compose-labelled services on the real Docker Engine', () => {
  const project = `ntmat${Date.now().toString(36)}`;
  const optedIn = (max: number) => ({
    'ntma.scale.enabled': 'true',
    'ntma.scale.min': '1',
    'ntma.scale.max': String(max),
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-scale-compose-'));
  const env = { NTMA_DATA_DIR: dataDir, ...UNTHROTTLED };
  let sidecar: RunningSidecar;

  const scale = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    callJson<ScaleAnswer>(`${sidecar.url}/api/v1/targets/${encodeURIComponent(id)}/scale`, {
      token: TEST_TOKEN,
      body,
      headers,
    });
  const audit = (query = '') => callJson<AuditAnswer>(`${sidecar.url}/api/v1/audit${query}`, { token: TEST_TOKEN });

  beforeAll(async () => {
    testImage();
    await removeTestResources(SUITE);
    sidecar = await startSidecar(env);
  });

  afterAll(async () => {
    await sidecar?.close();
    await removeTestResources(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('scales a service 1 -> 3 -> 1, really creating and removing containers', async () => {
    const id = await createComposeService({ suite: SUITE, project, service: 'web', replicas: 1, labels: optedIn(5) });
    const [original] = await composeReplicas(project, 'web');

    const listed = await callJson<{ targets: Array<Record<string, unknown>> }>(`${sidecar.url}/api/v1/targets`, {
      token: TEST_TOKEN,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.targets).toContainEqual(
      expect.objectContaining({
        id,
        backend: 'compose',
        service: 'web',
        group: project,
        desired: 1,
        running: 1,
        limits: { min: 1, max: 5, step: 1, cooldownSeconds: 300 },
        auto: { mode: 'off', dryRun: true, attackMax: 3 },
      }),
    );

    const out = await scale(id, { replicas: 3, reason: 'load test' }, { 'x-grafana-user': 'alice' });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ target: id, before: 1, after: 3, changed: true, dryRun: false });
    const three = await composeReplicas(project, 'web');
    expect(three.map((c) => [c.Names[0], c.State, c.Labels['com.docker.compose.container-number']])).toEqual([
      [`/${project}-web-1`, 'running', '1'],
      [`/${project}-web-2`, 'running', '2'],
      [`/${project}-web-3`, 'running', '3'],
    ]);
    // Clones of the newest replica: same image, command, labels (opt-in included) and host networking.
    const clone = await docker.getContainer(three[2]!.Id).inspect();
    expect(clone.Config.Image).toBe(testImage());
    expect(clone.Config.Cmd).toEqual((await docker.getContainer(original!.Id).inspect()).Config.Cmd);
    expect(clone.Config.Labels).toMatchObject({ 'ntma.scale.max': '5', 'ntma.test': SUITE });
    expect(clone.HostConfig.NetworkMode).toBe('host');

    const back = await scale(id, { delta: -2, reason: 'load gone' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ before: 3, after: 1 });
    const one = await composeReplicas(project, 'web');
    expect(one.map((c) => c.Id)).toEqual([original!.Id]);
    await expect(docker.getContainer(three[2]!.Id).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const log = await audit(`?target=${encodeURIComponent(id)}`);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        id: back.body.auditId,
        status: 'applied',
        who: 'api',
        source: 'api',
        before: 3,
        after: 1,
      }),
      expect.objectContaining({
        id: out.body.auditId,
        status: 'applied',
        who: 'alice',
        source: 'panel',
        reason: 'load test',
        before: 1,
        after: 3,
      }),
    ]);
  });

  it('only scales targets that opted in (403) and answers 404 for unknown ones', async () => {
    const id = await createComposeService({ suite: SUITE, project, service: 'private', replicas: 1 });
    const forbidden = await scale(id, { delta: 1, reason: 'try' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/ntma\.scale\.enabled=true/);
    expect(await composeReplicas(project, 'private')).toHaveLength(1);

    const missing = await scale(`compose:${project}:nothing`, { delta: 1, reason: 'try' });
    expect(missing.status).toBe(404);
    const bogus = await scale('nomad:web', { delta: 1, reason: 'try' });
    expect(bogus.status).toBe(404);
    expect(bogus.body.message).toMatch(/unknown target id/);

    const listed = await callJson<{ targets: Array<{ id: string }> }>(`${sidecar.url}/api/v1/targets`, {
      token: TEST_TOKEN,
    });
    expect(listed.body.targets.map((t) => t.id)).not.toContain(id);
  });

  it('refuses, with 409 and no change, a request outside min..max', async () => {
    const id = await createComposeService({
      suite: SUITE,
      project,
      service: 'limits',
      replicas: 2,
      labels: optedIn(3),
    });
    const above = await scale(id, { replicas: 4, reason: 'too many' });
    expect(above.status).toBe(409);
    expect(above.body).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(above.body.message).toMatch(/replicas: 4 replicas is above the target's max 3/);
    const below = await scale(id, { delta: -2, reason: 'too few' });
    expect(below.status).toBe(409);
    expect(below.body.message).toMatch(/below the target's min 1/);
    expect(await composeReplicas(project, 'limits')).toHaveLength(2);
    const log = await audit(`?target=${encodeURIComponent(id)}&status=refused`);
    expect(log.body.total).toBe(2);
  });

  it('never exceeds max under 50 concurrent scale-out requests', async () => {
    const id = await createComposeService({ suite: SUITE, project, service: 'burst', replicas: 1, labels: optedIn(4) });
    const answers = await Promise.all(Array.from({ length: 50 }, () => scale(id, { delta: 1, reason: 'burst' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(47);
    const replicas = await composeReplicas(project, 'burst');
    expect(replicas).toHaveLength(4);
    expect(replicas.every((c) => c.State === 'running')).toBe(true);
    // Serialised: each success started where the previous one ended.
    const steps = answers.filter((a) => a.status === 200).map((a) => [a.body.before, a.body.after]);
    expect(steps.sort()).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('acts once for a repeated Idempotency-Key, also after a restart', async () => {
    const id = await createComposeService({ suite: SUITE, project, service: 'idem', replicas: 1, labels: optedIn(5) });
    const key = { 'idempotency-key': `press-${project}` };
    const first = await scale(id, { delta: 1, reason: 'button' }, key);
    const again = await scale(id, { delta: 1, reason: 'button' }, key);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ auditId: first.body.auditId, after: 2, replayed: true });
    expect(first.body.replayed).toBe(false);
    expect(await composeReplicas(project, 'idem')).toHaveLength(2);

    await sidecar.close();
    sidecar = await startSidecar(env);
    const afterRestart = await scale(id, { delta: 1, reason: 'button' }, key);
    expect(afterRestart.body).toMatchObject({ auditId: first.body.auditId, replayed: true });
    expect(await composeReplicas(project, 'idem')).toHaveLength(2);

    const reused = await scale(id, { delta: 2, reason: 'button' }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.message).toMatch(/Idempotency-Key/);
  });

  it('changes nothing on a dry-run and records what it would have done', async () => {
    const id = await createComposeService({ suite: SUITE, project, service: 'dry', replicas: 1, labels: optedIn(5) });
    const dry = await scale(id, { replicas: 4, reason: 'what if', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ before: 1, after: 4, dryRun: true, changed: false });
    expect(await composeReplicas(project, 'dry')).toHaveLength(1);
    const log = await audit(`?target=${encodeURIComponent(id)}`);
    expect(log.body.items[0]).toMatchObject({ status: 'applied', dryRun: true, before: 1, after: 4 });
  });

  it('answers 400 naming the field for bad input, and 401 without the token', async () => {
    const id = `compose:${project}:web`;
    const neither = await scale(id, { reason: 'x' });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toMatch(/replicas/);
    const negative = await scale(id, { replicas: -1, reason: 'x' });
    expect(negative.status).toBe(400);
    expect(negative.body.message).toMatch(/replicas/);
    const noReason = await scale(id, { replicas: 2 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/reason/);
    const extra = await scale(id, { replicas: 2, reason: 'x', force: true });
    expect(extra.status).toBe(400);
    const badKey = await scale(id, { replicas: 2, reason: 'x' }, { 'idempotency-key': 'has space' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.message).toMatch(/idempotency-key/);
    const anonymous = await callJson(`${sidecar.url}/api/v1/targets`);
    expect(anonymous.status).toBe(401);
  });

  it('exports ntma_scale_actions_total by result', async () => {
    // A refusal of this sidecar's own (the one before the restart above counted in another process): over max.
    const above = await scale(`compose:${project}:limits`, { replicas: 4, reason: 'too many' });
    expect(above.status).toBe(409);
    const metrics = await fetch(`${sidecar.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/ntma_scale_actions_total\{result="refused"\} \d+/);
  });

  it('lists the scaling routes in the OpenAPI document', async () => {
    const doc = await callJson<{ paths: Record<string, unknown> }>(`${sidecar.url}/docs/json`);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/targets',
        '/api/v1/targets/{id}/scale',
        '/api/v1/audit',
        '/api/v1/alerts/grafana',
      ]),
    );
  });
});
