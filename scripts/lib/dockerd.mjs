// The Docker Engine for npm test: started with scripts/start-dockerd when none answers, and then (only then)
// stopped again by its PID when the tests end. A dockerd that was already running is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Makes a Docker Engine answer. Returns { ok, startedPid }: startedPid is set only when this call started one.
 * `startScript` is scripts/start-dockerd, which writes the PID of a daemon it started to NTMA_DOCKERD_PID_FILE.
 */
export function ensureDockerd({ startScript, pidFile, env = process.env, stdio = 'inherit' }) {
  const answers = () => spawnSync('docker', ['info'], { env, stdio: 'ignore', timeout: 20000 }).status === 0;
  if (answers()) return { ok: true, startedPid: undefined };
  const started = spawnSync(startScript, [], { env: { ...env, NTMA_DOCKERD_PID_FILE: pidFile }, stdio });
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || undefined : undefined;
  return { ok: started.status === 0, startedPid: pid };
}

/** Whether `pid` is a live process (a zombie waiting for a reaper that never comes counts as gone). */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM'; // someone else's (root's, under sudo): still there
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the comm may hold spaces, the state follows its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Stops the daemon `pid`: SIGTERM (dockerd then stops its containers), up to `graceMs` to go, then SIGKILL.
 * Not root, it signals through `sudo -n kill`, as start-dockerd started it through sudo. Returns whether it went.
 */
export function stopDockerd(pid, { graceMs = 30000, asRoot = process.getuid?.() === 0 } = {}) {
  const signal = (name) => {
    if (asRoot) process.kill(pid, name);
    else spawnSync('sudo', ['-n', 'kill', `-${name}`, String(pid)], { stdio: 'ignore' });
  };
  if (!alive(pid)) return true;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (alive(pid) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 100);
  if (alive(pid)) signal('SIGKILL');
  return !alive(pid);
}
