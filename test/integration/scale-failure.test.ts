import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeWith, dockerd } from '../support/components.js';
import {
  DOCKER_SOCKET,
  STUBBORN_SLEEPER,
  callJson,
  composeReplicas,
  createComposeService,
  eventually,
  removeTestResources,
  testImage,
  UNTHROTTLED,
} from '../support/docker.js';
import { freePort, waitFor } from '../support/ports.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const SUITE = 'scale-failure';
const ROOT = path.resolve(__dirname, '..', '..');

interface AuditAnswer {
  items: Array<Record<string, unknown> & { id: string; status: string }>;
  total: number;
  skippedLines: Array<{ line: number; reason: string }>;
}

describeWith([dockerd], 'scaling when things break', () => {
  describe('Docker Engine unreachable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ntma-nodocker-'));
    const cases: Array<[string, string]> = [
      ['no socket file at all', path.join(dir, 'missing.sock')],
      ['a path where nothing listens', path.join(dir, 'dead.sock')],
    ];
    writeFileSync(path.join(dir, 'dead.sock'), '');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(cases)('answers 503 naming the socket (%s) and keeps the audit log consistent', async (_case, socket) => {
      const sidecar = await startSidecar({
        ...UNTHROTTLED,
        DOCKER_SOCKET: socket,
        NTMA_ALERT_SECRET: 'alert-secret-0123456789',
      });
      try {
        const targets = await callJson<{ message: string; code: string }>(`${sidecar.url}/api/v1/targets`, {
          token: TEST_TOKEN,
        });
        expect(targets.status).toBe(503);
        expect(targets.body.code).toBe('DOCKER_UNAVAILABLE');
        expect(targets.body.message).toContain(socket);

        const scale = await callJson<{ message: string }>(`${sidecar.url}/api/v1/targets/compose:shop:web/scale`, {
          token: TEST_TOKEN,
          body: { delta: 1, reason: 'while docker is down' },
        });
        expect(scale.status).toBe(503);
        expect(scale.body.message).toContain(socket);

        const alert = await callJson<{ decisions: Array<{ decision: string; reason: string }> }>(
          `${sidecar.url}/api/v1/alerts/grafana`,
          {
            token: 'alert-secret-0123456789',
            body: { alerts: [{ status: 'firing', labels: { ntma_target: 'swarm:web' } }] },
          },
        );
        expect(alert.status).toBe(200);
        expect(alert.body.decisions[0]).toMatchObject({ decision: 'failed', reason: expect.stringContaining(socket) });

        // Every request is recorded with its outcome; nothing is left looking half-done.
        const log = await callJson<AuditAnswer>(`${sidecar.url}/api/v1/audit`, { token: TEST_TOKEN });
        expect(log.body.items.map((a) => [a.status, a.errorCode])).toEqual([
          ['failed', 'DOCKER_UNAVAILABLE'],
          ['failed', 'DOCKER_UNAVAILABLE'],
        ]);
        expect(log.body.items[1]).toMatchObject({ target: 'compose:shop:web', reason: 'while docker is down' });
      } finally {
        await sidecar.close();
      }
    });
  });

  describe('the sidecar killed with SIGKILL in the middle of a scale', () => {
    const project = `ntmat${Date.now().toString(36)}`;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ntma-sigkill-'));
    const auditFile = path.join(dataDir, 'audit.jsonl');
    const logFile = path.join(dataDir, 'sidecar.log');
    let child: ChildProcess | undefined;
    let restarted: RunningSidecar | undefined;

    beforeAll(async () => {
      testImage();
      await removeTestResources(SUITE);
      await buildSidecar();
    }, 240_000);

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await restarted?.close();
      await removeTestResources(SUITE);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('leaves a log that reads back after a restart, with the action shown unfinished', async () => {
      // PID 1 `sleep` ignores SIGTERM, so stopping a replica takes its whole 8 s grace period:
      // a wide window in which the action is accepted but not finished.
      const id = await createComposeService({
        suite: SUITE,
        project,
        service: 'slow',
        replicas: 2,
        cmd: STUBBORN_SLEEPER,
        stopTimeout: 8,
        labels: { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '3' },
      });
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, [path.join(ROOT, 'sidecar', 'dist', 'server.js')], {
        env: {
          PATH: process.env.PATH,
          NTMA_HOST: '127.0.0.1',
          NTMA_PORT: String(port),
          NTMA_API_TOKEN: TEST_TOKEN,
          NTMA_DATA_DIR: dataDir,
          DOCKER_SOCKET,
          NTMA_LOG_LEVEL: 'warn',
          NTMA_FIT_WORKERS: '1',
          ...UNTHROTTLED,
        },
        stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child!.once('exit', (_code, signal) => resolve(signal)),
      );
      await waitFor(`the built sidecar at ${url} (log: ${logFile})`, async () => (await fetch(`${url}/healthz`)).ok);

      const pending = callJson(`${url}/api/v1/targets/${encodeURIComponent(id)}/scale`, {
        token: TEST_TOKEN,
        body: { replicas: 1, reason: 'scale in, then crash' },
      }).catch((error: unknown) => error);
      await eventually('the accepted entry on disk', async () =>
        existsSync(auditFile) ? readFileSync(auditFile, 'utf8').includes('"phase":"accepted"') : false,
      );
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // The client never got an answer: the connection died with the process.
      expect(await pending).toMatchObject({ message: expect.stringMatching(/fetch failed/) });
      // A crash can also tear the line being written; add such a fragment to prove it is tolerated.
      appendFileSync(auditFile, '{"v":1,"action":"torn","phase":"appl');

      restarted = await startSidecar({ NTMA_DATA_DIR: dataDir, ...UNTHROTTLED });
      const log = await callJson<AuditAnswer>(`${restarted.url}/api/v1/audit`, { token: TEST_TOKEN });
      expect([log.status, log.body]).toEqual([200, expect.anything()]);
      expect(log.body.items).toEqual([
        expect.objectContaining({
          target: id,
          status: 'unfinished',
          before: 2,
          after: 1,
          reason: 'scale in, then crash',
          who: 'api',
        }),
      ]);
      expect(log.body.skippedLines).toEqual([{ line: 2, reason: expect.stringMatching(/torn final line/) }]);

      // The restarted sidecar finishes the job on request, and the log keeps both stories.
      const again = await callJson<{ after: number }>(
        `${restarted.url}/api/v1/targets/${encodeURIComponent(id)}/scale`,
        { token: TEST_TOKEN, body: { replicas: 1, reason: 'finish after the crash' } },
      );
      expect(again.status).toBe(200);
      expect(again.body.after).toBe(1);
      expect(await composeReplicas(project, 'slow')).toHaveLength(1);
      const after = await callJson<AuditAnswer>(`${restarted.url}/api/v1/audit`, { token: TEST_TOKEN });
      expect(after.body.items.map((a) => a.status)).toEqual(['applied', 'unfinished']);
    }, 120_000);
  });
});

/**
 * `npm run build -w sidecar` unless dist/ is fresh, as npm start and npm test decide it (scripts/lib/builds.mjs:
 * its build stamp newer than every source): npm test has just built it, and a rebuild would rewrite the dist/ whose
 * fit workers the suites running beside this one load. tsc still writes dist/ when some other module has a type
 * error; such an error belongs to the typecheck step, so the build counts when our own output is fresh.
 */
async function buildSidecar(): Promise<void> {
  const builds = pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'builds.mjs')).href;
  const script = `import { ensureBuilt } from ${JSON.stringify(builds)};
const result = ensureBuilt(process.argv[1], 'sidecar');
console.log(result.message);
process.exit(result.ok ? 0 : 1);`;
  const output = await new Promise<{ failed: boolean; text: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, ROOT],
      { cwd: ROOT, timeout: 200_000 },
      (error, stdout, stderr) => resolve({ failed: error !== null, text: `${stdout}${stderr}` }),
    );
  });
  if (!output.failed) return;
  const built = path.join(ROOT, 'sidecar', 'dist', 'scale', 'scaler.js');
  const source = path.join(ROOT, 'sidecar', 'src', 'scale', 'scaler.ts');
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) {
    process.stderr.write(`\n!!! npm run build -w sidecar reported errors; using the emitted dist/:\n${output.text}\n`);
    return;
  }
  throw new Error(`npm run build -w sidecar failed:\n${output.text}`);
}
