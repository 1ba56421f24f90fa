/**
 * The demo's traffic, seen the way the watchers will see it: the web service and the traffic
 * generator run for real (in-process, on free loopback ports), a real Prometheus scrapes both
 * every second, and the attack is switched on through the generator's control endpoint. The
 * signals the attack classifier relies on must show up in Prometheus itself.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadLoadgenConfig } from '../../demo/src/loadgen/config.js';
import { createControlServer } from '../../demo/src/loadgen/control.js';
import { Generator } from '../../demo/src/loadgen/generator.js';
import { Sender } from '../../demo/src/loadgen/sender.js';
import { createWebApp, type WebApp } from '../../demo/src/web/app.js';
import { loadWebConfig } from '../../demo/src/web/config.js';
import { describeWith, prometheus } from '../support/components.js';
import { waitFor } from '../support/ports.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

const FLOOD_SECONDS = 8;
const SMALL_PACKET_SECONDS = 8;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describeWith([prometheus], 'demo traffic observed by a real Prometheus', () => {
  let web: WebApp;
  let generator: Generator;
  let control: Server;
  let controlUrl: string;
  let prom: RunningPrometheus;

  /** The value of an instant query with one result, or NaN. */
  const value = async (expr: string): Promise<number> => {
    const url = `${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const body = (await (await fetch(url)).json()) as { data: { result: Array<{ value: [number, string] }> } };
    return Number(body.data.result[0]?.value[1] ?? Number.NaN);
  };

  const until = (what: string, probe: () => Promise<boolean>, timeoutMs = 20000): Promise<void> =>
    waitFor(what, probe, timeoutMs);

  beforeAll(async () => {
    web = createWebApp(loadWebConfig({ WEB_WORK_MS: '1', WEB_MAX_IN_FLIGHT: '1000' }));
    const webPort = await listen(web.server);
    const config = loadLoadgenConfig({
      LOADGEN_TARGET_URL: `http://127.0.0.1:${webPort}`,
      // A flat "day" so the baseline is steady during the test.
      LOADGEN_NORMAL_MIN_RPS: '20',
      LOADGEN_NORMAL_MAX_RPS: '20',
      LOADGEN_NOISE: '0',
      LOADGEN_RPS_PER_SOURCE: '1',
      LOADGEN_FLOOD_SECONDS: String(FLOOD_SECONDS),
      LOADGEN_FLOOD_RPS: '300',
      LOADGEN_FLOOD_SOURCES: '5000',
      LOADGEN_SMALL_PACKET_SECONDS: String(SMALL_PACKET_SECONDS),
      LOADGEN_SMALL_PACKET_RPS: '200',
      LOADGEN_SMALL_PACKET_SOURCES: '10',
    });
    generator = new Generator(config, new Sender({ target: config.target, maxSockets: 64, timeoutMs: 3000 }));
    control = createControlServer(generator);
    const controlPort = await listen(control);
    controlUrl = `http://127.0.0.1:${controlPort}`;
    generator.start();
    prom = await startPrometheus({
      scrape: [
        { job: 'web', targets: [`127.0.0.1:${webPort}`] },
        { job: 'loadgen', targets: [`127.0.0.1:${controlPort}`] },
      ],
    });
  });

  afterAll(async () => {
    generator?.stop();
    control?.closeAllConnections();
    web?.server.closeAllConnections();
    await Promise.all([
      control && new Promise((resolve) => control.close(resolve)),
      web && new Promise((resolve) => web.server.close(resolve)),
      prom?.stop(),
    ]);
    if (prom) cleanPrometheus(prom);
  });

  it('shows the normal load, then a flood from many sources, then a small-packet flood, then normal again', async () => {
    const rps = 'sum(rate(http_requests_total{job="web"}[3s]))';
    const sources = 'sum(http_request_distinct_sources{job="web"})';
    const connections = 'sum(rate(http_connections_opened_total{job="web"}[3s]))';

    await until('a normal baseline in Prometheus', async () => (await value(rps)) > 10);
    // Let the 3 s rate windows fill with baseline samples only.
    await new Promise((r) => setTimeout(r, 4000));
    const baseline = { rps: await value(rps), sources: await value(sources), connections: await value(connections) };
    expect(baseline.rps).toBeGreaterThan(12);
    expect(baseline.rps).toBeLessThan(30);
    expect(await value('max(loadgen_attack_started_timestamp_seconds)')).toBe(0);

    const response = await fetch(`${controlUrl}/profile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"profile":"attack"}',
    });
    expect(response.status).toBe(200);
    const onset = Date.parse(((await response.json()) as { attackStartedAt: string }).attackStartedAt) / 1000;

    // The flood: several times the request rate, and the distinct sources jump with it.
    await until('the flood in Prometheus', async () => (await value(rps)) > baseline.rps * 5);
    await until('the flood’s sources in Prometheus', async () => (await value(sources)) > baseline.sources * 20);
    expect(await value('max(loadgen_attack_started_timestamp_seconds)')).toBeCloseTo(onset, 0);
    expect(await value('max(loadgen_stage{stage="flood"})')).toBe(1);

    // The small-packet flood: a new TCP connection per tiny request.
    await until(
      'the small-packet flood in Prometheus',
      async () => (await value('max(loadgen_stage{stage="small-packet"})')) === 1 && (await value(connections)) > 100,
      (FLOOD_SECONDS + 10) * 1000,
    );
    const tiny = 'sum(rate(http_requests_total{job="web",code="204"}[3s]))';
    await until('tiny requests answered', async () => (await value(tiny)) > 100);

    // Then the attack ends on its own and the baseline returns.
    await until(
      'the return to normal',
      async () =>
        (await value('max(loadgen_attack_started_timestamp_seconds)')) === 0 && (await value(rps)) < baseline.rps * 2,
      (SMALL_PACKET_SECONDS + 15) * 1000,
    );
    expect(generator.status().profile).toBe('normal');
    expect(generator.status().outcomes.error).toBe(0);
  }, 90000);
});
