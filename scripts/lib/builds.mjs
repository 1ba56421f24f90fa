// The workspace builds npm start and npm test need, skipped when their output is newer than every input.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnLines } from './beside.mjs';

/** Each build's inputs (files or directories, from the repository root) and its output directory. */
export const BUILDS = {
  // First: every other build imports its compiled schemas, types and meaning.
  contract: {
    inputs: ['contract/src', 'contract/package.json', 'contract/tsconfig.json', 'contract/tsconfig.build.json'],
    output: 'contract/dist',
  },
  sidecar: {
    inputs: [
      'contract/src',
      'sidecar/src',
      'sidecar/package.json',
      'sidecar/tsconfig.json',
      'sidecar/tsconfig.build.json',
    ],
    output: 'sidecar/dist',
  },
  demo: {
    inputs: ['contract/src', 'demo/src', 'demo/package.json', 'demo/tsconfig.json', 'demo/tsconfig.build.json'],
    output: 'demo/dist',
  },
  plugin: {
    inputs: [
      'contract/src',
      'plugin/src',
      'plugin/.config',
      'plugin/package.json',
      'plugin/tsconfig.json',
      'plugin/README.md',
    ],
    output: 'plugin/dist',
  },
};
const SHARED_INPUTS = ['package-lock.json', 'tsconfig.json'];

/** The builds each command runs on, in order: the contract first, as every other build imports it. */
export const NEEDS = {
  // The plugin too: npm start tells the user to load it into their Grafana from plugin/dist, which a fresh clone
  // does not have.
  start: ['contract', 'sidecar', 'demo', 'plugin'],
  // `npm run demo:attack` runs the demo's attack script, which imports the contract's compiled meaning.
  attack: ['contract', 'demo'],
};
const STAMP = '.ntma-built';

/** Newest modification time (ms) under `file`, or 0 when it does not exist. */
export function newestMtime(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only in its directory's time
  for (const entry of readdirSync(file)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(file, entry)));
  }
  return newest;
}

/** Whether `name`'s last successful build (its stamp) is newer than all of its inputs. */
export function buildIsFresh(root, name) {
  const { inputs, output } = BUILDS[name];
  const stamp = path.join(root, output, STAMP);
  if (!existsSync(stamp)) return false;
  const inputsChanged = Math.max(...[...inputs, ...SHARED_INPUTS].map((input) => newestMtime(path.join(root, input))));
  return statSync(stamp).mtimeMs >= inputsChanged;
}

/** Marks `name` built: the stamp carries the time the build started, so a file saved during it makes the next run build. */
function stampBuilt(root, name, started) {
  const stamp = path.join(root, BUILDS[name].output, STAMP);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

/** What a build's exit status means, as ensureBuilt answers it. */
function buildResult(root, name, started, status, signal) {
  if (status !== 0)
    return {
      ok: false,
      ran: true,
      message: `${name} build failed (exit ${status ?? signal})`,
      ...(signal ? { signal } : {}),
    };
  stampBuilt(root, name, started);
  return { ok: true, ran: true, message: `${name} built` };
}

/**
 * Builds `name` with its npm script unless it is fresh. The stamp carries the time the build started, so a file
 * saved during the build makes the next run build again. Returns { ok, ran, message }.
 */
export function ensureBuilt(root, name, { force = false, stdio = 'inherit', env = process.env } = {}) {
  if (!force && buildIsFresh(root, name)) return { ok: true, ran: false, message: `${name} build up to date` };
  const started = new Date();
  const run = spawnSync('npm', ['run', 'build', '-w', name], { cwd: root, stdio, env });
  return buildResult(root, name, started, run.status, run.signal);
}

/**
 * ensureBuilt without waiting, its output by lines to `onLine` (beside.mjs): `{ child, done }`, `done` resolving
 * to ensureBuilt's answer (with the signal that ended the build, if one did); `child` is undefined when it was fresh.
 */
export function startBuild(root, name, { force = false, env = process.env, onLine }) {
  if (!force && buildIsFresh(root, name))
    return { child: undefined, done: Promise.resolve({ ok: true, ran: false, message: `${name} build up to date` }) };
  const started = new Date();
  const { child, exited } = spawnLines('npm', ['run', 'build', '-w', name], { cwd: root, env, onLine });
  return { child, done: exited.then(({ status, signal }) => buildResult(root, name, started, status, signal)) };
}

/**
 * Each of `names` in turn (see NEEDS), built when it is stale; the first failure stops the rest, which would only
 * build against its missing output. `log` hears of each build that ran. Returns { ok, message }.
 */
export function ensureBuilds(root, names, { log = () => {}, ...options } = {}) {
  for (const name of names) {
    const result = ensureBuilt(root, name, options);
    if (!result.ok) return result;
    if (result.ran) log(result.message);
  }
  return { ok: true, message: `builds up to date (${names.join(', ')})` };
}
