// `npm test` (scripts/test.mjs) ended from its terminal: Ctrl-C, or closing the terminal, signals its whole process
// group. The run ends there, counted as a failure in its summary line, and stops on the way out what it started
// (a Docker Engine, by PID). A real nested run of the lint phase, interrupted in its first step.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The PIDs of `pid`'s children (empty when it has none, or is gone). */
function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

for (const signal of ['SIGINT', 'SIGHUP']) {
  test(`a ${signal} to its process group mid-step ends the run, with the interruption in its summary`, async () => {
    // Its own summary file: this runs inside npm test, whose summary must not be overwritten. Its own temporary
    // directory too: an interrupted run keeps its reports there, and they go with it at the end.
    const dir = mkdtempSync(path.join(tmpdir(), 'ntma-test-interrupt-'));
    const summary = path.join(dir, 'summary.txt');
    const run = spawn(process.execPath, [path.join(root, 'scripts/test.mjs'), 'lint'], {
      cwd: root,
      // A process group of its own, as a terminal gives a command, so the signal reaches the step too.
      detached: true,
      env: { ...process.env, NTMA_TEST_SUMMARY: summary, TMPDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout.on('data', (chunk) => (output += chunk));
    run.stderr.on('data', (chunk) => (output += chunk));
    const exited = once(run, 'exit');
    try {
      // Signalled once the first steps' processes run (two start at once, the longest first), so it is they
      // that the signal ends.
      const deadline = Date.now() + 60000;
      while (!(output.includes('=== lint: ') && children(run.pid).length > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(children(run.pid).length > 0, `the lint step never started:\n${output}`);
      process.kill(-run.pid, signal);
      const [code, killedBy] = await exited;
      assert.deepEqual([code, killedBy], [130, null]);
      assert.match(output, new RegExp(`npm test: interrupted \\(${signal}\\)`));
      assert.equal(existsSync(summary) && readFileSync(summary, 'utf8'), '0 passed, 1 failed, 0 skipped\n');
    } finally {
      if (run.exitCode === null && run.signalCode === null) {
        process.kill(-run.pid, 'SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
