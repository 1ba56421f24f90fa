/**
 * The built sidecar (`node sidecar/dist/server.js`, what `npm start` runs) warms up before it
 * listens: its fit workers run their warm-up fits, then requests go through the bands route (one
 * fit, one cached answer), and only then does it listen, so the first client request meets
 * compiled code. The order is read from the sidecar's own log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '../support/ports.js';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'start-up-warm-test-token-0123456789';

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

describe('the built sidecar at start', () => {
  let child: ChildProcess;
  let dataDir: string;
  let url: string;
  let output = '';
  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-start-up-warm-'));
    const watchers = path.join(dataDir, 'watchers.yml');
    writeFileSync(watchers, 'watchers: []\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(ROOT, 'sidecar/dist/server.js')], {
      env: {
        PATH: process.env.PATH,
        NTMA_HOST: '127.0.0.1',
        NTMA_PORT: String(port),
        NTMA_API_TOKEN: TOKEN,
        NTMA_DATA_DIR: dataDir,
        NTMA_WATCHERS: watchers,
        NTMA_LOG_LEVEL: 'info',
        NTMA_FIT_WORKERS: '1',
        NTMA_FIT_WARMUP: 'true',
        // Nothing listens there: readiness is not this test's subject, and no watcher queries it.
        PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(`the built sidecar at ${url}`, async () => (await fetch(`${url}/healthz`)).ok, 90_000);
    // The answer can arrive before the log lines written ahead of it have been read off the pipe.
    await waitFor('the sidecar to log that it listens', async () => output.includes('Server listening'), 10_000);
  }, 100_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('warms its fit workers, then the bands route, and only then listens', () => {
    // A warm-up that timed out or failed says so in a warning; name it, rather than only its missing line.
    const warnings = lines().filter((line) => Number(line.level) >= 40 && /warm/.test(line.msg));
    expect(warnings).toEqual([]);
    const messages = lines().map((line) => line.msg);
    const workers = messages.indexOf('fit workers warmed up');
    const route = messages.findIndex((m) => m.startsWith('warmed up the bands request path'));
    const listening = messages.findIndex((m) => m.startsWith('Server listening'));
    expect({ workers, route, listening }).toEqual({
      workers: expect.any(Number),
      route: expect.any(Number),
      listening: expect.any(Number),
    });
    expect(workers).toBeGreaterThanOrEqual(0);
    expect(route).toBeGreaterThan(workers);
    expect(listening).toBeGreaterThan(route);
    // The worker ran its warm-up fits (not skipped) and none of them threw.
    expect(lines()[workers]).toMatchObject({ workers: 1, done: 1, timedOut: false, skipped: false, errors: [] });
    expect(lines()[workers]!.slowestMs).toBeGreaterThan(0);
  });

  it('answers the first client request with a fitted band', async () => {
    const step = 60;
    const start = 1_700_000_400;
    const values = Array.from({ length: 1500 }, (_, i) => 500 + 100 * Math.sin((2 * Math.PI * i) / 1440) + (i % 5));
    const response = await fetch(`${url}/api/v1/bands/series`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ series: [{ id: 'first', labels: {}, start, values }], step, train: 1440 * step }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { series: Array<{ model: string; cached: boolean; upper: unknown[] }> };
    expect(answer.series[0]).toMatchObject({ cached: false, model: expect.not.stringMatching(/^none$/) });
    expect(answer.series[0]!.upper).toHaveLength(60);
  });
});
