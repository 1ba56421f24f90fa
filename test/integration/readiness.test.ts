import { describeWith, prometheus } from '../support/components.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';

describeWith([prometheus], 'readiness against a real Prometheus', () => {
  let prom: RunningPrometheus;
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    prom = await startPrometheus();
    sidecar = await startSidecar({ PROMETHEUS_URL: prom.url });
  });

  afterAll(async () => {
    await sidecar?.close();
    await prom?.stop();
    if (prom) cleanPrometheus(prom);
  });

  it('is ready while Prometheus answers', async () => {
    const response = await fetch(`${sidecar.url}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string };
    expect(body.status).toBe('ready');
  });

  it('answers 503 naming the Prometheus URL once Prometheus is stopped', async () => {
    await prom.stop();
    const response = await fetch(`${sidecar.url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain(prom.url);
    expect(body.message).toMatch(/ECONNREFUSED/);
  });
});
