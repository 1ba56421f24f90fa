// npm test's Docker Engine lifecycle with a fake `docker` and a fake start-dockerd whose "daemon" is a sleep:
// one it started is stopped by PID, one that was running already is left alone.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ensureDockerd, stopDockerd } from './dockerd.mjs';

/** The directories these tests make, removed once they are done. */
const made = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function fakeDocker() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-fake-docker-'));
  made.push(dir);
  // `docker info` answers once the fake daemon is up and its process lives.
  writeFileSync(
    path.join(dir, 'docker'),
    `#!/bin/sh\n[ -f "${dir}/up" ] && kill -0 "$(cat "${dir}/up")" 2>/dev/null\n`,
  );
  writeFileSync(
    path.join(dir, 'start-dockerd'),
    `#!/bin/sh
echo called >> "${dir}/start-calls"
setsid sleep 300 </dev/null >/dev/null 2>&1 &
echo $! > "${dir}/up"
[ -n "$NTMA_DOCKERD_PID_FILE" ] && echo $! > "$NTMA_DOCKERD_PID_FILE"
exit 0
`,
  );
  chmodSync(path.join(dir, 'docker'), 0o755);
  chmodSync(path.join(dir, 'start-dockerd'), 0o755);
  return {
    dir,
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    startScript: path.join(dir, 'start-dockerd'),
    pidFile: path.join(dir, 'dockerd.pid'),
    starts: () =>
      existsSync(path.join(dir, 'start-calls'))
        ? readFileSync(path.join(dir, 'start-calls'), 'utf8').trim().split('\n').length
        : 0,
  };
}

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
};

test('starts a daemon when none answers, and stops exactly that one by its PID', () => {
  const fake = fakeDocker();
  const result = ensureDockerd({ ...fake, stdio: 'ignore' });
  assert.equal(result.ok, true);
  assert.equal(fake.starts(), 1);
  assert.ok(result.startedPid && isAlive(result.startedPid));
  assert.equal(stopDockerd(result.startedPid, { graceMs: 5000, asRoot: true }), true);
  assert.equal(isAlive(result.startedPid), false);
});

test('leaves a daemon that was already running alone: nothing started, nothing to stop', () => {
  const fake = fakeDocker();
  const first = ensureDockerd({ ...fake, stdio: 'ignore' });
  try {
    const second = ensureDockerd({ ...fake, pidFile: path.join(fake.dir, 'second.pid'), stdio: 'ignore' });
    assert.deepEqual(second, { ok: true, startedPid: undefined });
    assert.equal(fake.starts(), 1);
    assert.equal(isAlive(first.startedPid), true);
  } finally {
    stopDockerd(first.startedPid, { graceMs: 5000, asRoot: true });
  }
});
