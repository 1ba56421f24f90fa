#!/usr/bin/env node
// `npm test`: lint, typecheck, build, unit tests of every workspace, then the integration tests
// against the real Prometheus, Docker Engine and Chromium. Ends with one line, "N passed, N failed,
// N skipped", counting jest and node:test tests plus the lint/typecheck/build steps.
//
// It sets itself up first, quickly when that is done: the Debian packages (installed as root, else it
// stops and prints the apt-get command), `npm ci` when node_modules is missing or stale (this script
// uses node's built-ins only, so it runs before node_modules exists), and for the integration tests
// the builds, a Docker Engine (scripts/start-dockerd) and the local test image (scripts/test-image).
// A dockerd it started it stops again on exit, by its PID; one that was already running stays.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBeside, spawnLines } from './lib/beside.mjs';
import { BUILDS, ensureBuilt, startBuild } from './lib/builds.mjs';
import { PACKAGES, ensurePackages } from './lib/deps.mjs';
import { ensureDockerd, stopDockerd } from './lib/dockerd.mjs';
import { startJest } from './lib/jest-run.mjs';
import { ensureNodeModules } from './lib/npm-deps.mjs';
import { nodeVersionProblem } from './lib/node-version.mjs';
import { startNodeTests } from './lib/node-test.mjs';
import { listTemp, tempLeftovers } from './lib/temp-leftovers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The temporary directory's entries before this run made any: what is new at the end was left behind. */
const tempBefore = listTemp();
/** The jest reports, and the Docker Engine's log when NTMA_LOG_DIR is unset: removed at the end unless it failed. */
const outDir = mkdtempSync(path.join(tmpdir(), 'ntma-test-'));
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs only the named phases
const inCi = process.env.CI === 'true';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

/** Runs side by side: at most this many at once (CI has two cores; the integration runs are two by design). */
const WIDTH = 2;

/** Commands and test runs started and not yet ended: an interruption passes its signal on to them. */
const running = new Set();

/** Piped output is not a terminal: keep the colours when ours is one. */
const childEnv = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env;

/**
 * One command or test run, started beside others: its lines go out whole, each marked with its title. `start`
 * gets the line handler and returns `{ child, done }`. Resolves to what `done` resolves to, and the seconds taken.
 */
async function beside(title, start) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const { child, done } = start((line) => process.stdout.write(`[${title}] ${line}\n`));
  if (child) running.add(child);
  const result = await done;
  running.delete(child);
  interruptedBy(result.signal);
  return { result, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

/** A command that is not a test run, counted as one test. Tasks are `{ title, run }`; see runTogether. */
const step = (title, command, args) => ({
  title,
  run: async () => {
    const { result, seconds } = await beside(title, (onLine) => {
      const { child, exited } = spawnLines(command, args, { cwd: root, env: childEnv, onLine });
      return { child, done: exited };
    });
    const ok = result.status === 0;
    process.stdout.write(
      `=== ${title}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s\n`,
    );
    if (ok) totals.passed += 1;
    else {
      totals.failed += 1;
      failures.push(title);
    }
  },
});

/** Adds a run's counts (jest or node:test) to the totals; any failure or problem is named at the end. */
function count(title, counts) {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  for (const problem of counts.problems) console.log(`=== ${title}: ${problem}`);
  if (counts.failed > 0 || !counts.exitedOk) failures.push(title);
}

/** A jest run; its own counts go into the totals, including suites that failed outside a test. A task. */
const jest = (title, config, extra = []) => ({
  title,
  run: async () => {
    const { result: counts, seconds } = await beside(title, (onLine) =>
      startJest({ root, config, extra, name: title, outDir, onLine, env: childEnv }),
    );
    process.stdout.write(`=== ${title}: ${counts.failed > 0 ? 'FAILED' : 'ok'} in ${seconds}s\n`);
    count(title, counts);
  },
});

/** The node:test files of the scripts' and the benches' shared modules, as one run. A task. */
const scriptTests = (title) => ({
  title,
  run: async () => {
    const files = ['scripts/lib', 'bench'].flatMap((dir) =>
      readdirSync(path.join(root, dir))
        .filter((name) => name.endsWith('.test.mjs'))
        .map((name) => path.join(dir, name)),
    );
    const { result: counts, seconds } = await beside(title, (onLine) =>
      startNodeTests({ root, files, onLine, env: childEnv }),
    );
    process.stdout.write(`=== ${title}: ${counts.failed > 0 ? 'FAILED' : 'ok'} in ${seconds}s\n`);
    count(title, counts);
  },
});

/**
 * The integration files that spend their time waiting on the clock, not on the CPU: live scenarios played in
 * real time (a rush that comes 100 s after the start, a 30 s window that must pass). They run one at a time in
 * their own jest run, which does not take a place (see runTogether): beside it run the other integration files,
 * one at a time too. Paths from the repository root.
 */
const LIVE_INTEGRATION = ['test/integration/scale-predictive-live.test.ts', 'test/integration/scale-auto-load.test.ts'];

/**
 * Each phase does what must come first (the contract's build, the Docker Engine) and returns its tasks, which
 * runTogether runs (see GROUPS). lint, typecheck and build need only node_modules and the contract's build, so
 * their tasks run together; then the unit tests, then the integration tests.
 */
const phases = {
  lint: () => [
    step('lint: eslint', 'npx', ['eslint', '.']),
    step('lint: prettier', 'npx', ['prettier', '--check', '.']),
    step('lint: plugin', 'npm', ['run', 'lint', '-w', 'plugin']),
  ],
  typecheck() {
    // Every other workspace typechecks against the contract's emitted declarations.
    build('contract', inCi);
    return [
      step('typecheck: contract', 'npx', ['tsc', '-p', 'contract', '--noEmit']),
      step('typecheck: sidecar', 'npx', ['tsc', '-p', 'sidecar', '--noEmit']),
      step('typecheck: test', 'npx', ['tsc', '-p', 'test', '--noEmit']),
      ...(existsSync(path.join(root, 'demo/tsconfig.json'))
        ? [step('typecheck: demo', 'npx', ['tsc', '-p', 'demo', '--noEmit'])]
        : []),
      step('typecheck: plugin', 'npm', ['run', 'typecheck', '-w', 'plugin']),
    ];
  },
  build() {
    // Integration tests run the compiled sidecar (worker threads, a SIGKILLed child) and the built plugin.
    // CI always builds (the build is under test), the contract once; elsewhere an output newer than its sources
    // is kept. The contract comes first: every other build imports it.
    build('contract', inCi && !built.has('contract'));
    return Object.keys(BUILDS)
      .filter((name) => name !== 'contract')
      .map((name) => buildStep(name, inCi));
  },
  unit: () => [
    scriptTests('unit: scripts'),
    jest('unit: contract', 'contract/jest.config.cjs'),
    jest('unit: sidecar', 'sidecar/jest.config.cjs'),
    jest('unit: demo', 'demo/jest.config.cjs'),
    jest('unit: plugin', 'plugin/jest.config.js'),
  ],
  /** Only the set-up (`npm test -- setup`): packages, node_modules, builds, Docker Engine, test image. */
  setup() {
    for (const name of Object.keys(BUILDS)) build(name, false);
    dockerSetUp();
    return [];
  },
  integration() {
    // Run alone (`npm test -- integration`), it still needs what the build phase makes.
    if (!names.includes('build') && !names.includes('setup'))
      for (const name of Object.keys(BUILDS)) build(name, false);
    if (!names.includes('setup')) dockerSetUp();
    const config = 'test/jest.config.cjs';
    const ignoreLive = LIVE_INTEGRATION.map((file) => `--testPathIgnorePatterns=${escapeRegExp(`/${file}`)}$`);
    return [
      jest('integration', config, ['--testPathIgnorePatterns=/node_modules/', ...ignoreLive]),
      { ...jest('integration: live', config, ['--runTestsByPath', ...LIVE_INTEGRATION]), sleeps: true },
    ];
  },
};

/**
 * Seconds each task took in CI at fcaf9ba, one at a time (2 cores, load 3-8): tasks run together start longest
 * first, so the short ones fill in at the end. A task not listed counts as short.
 */
const TASK_SECONDS = {
  integration: 358,
  'integration: live': 346,
  'unit: sidecar': 117,
  'lint: plugin': 55,
  'unit: plugin': 41,
  'typecheck: test': 37,
  'lint: prettier': 27,
  'typecheck: plugin': 26,
  'typecheck: sidecar': 24,
  'build: sidecar': 22,
  'build: plugin': 17,
  'lint: eslint': 12,
  'typecheck: demo': 11,
  'build: demo': 8,
  'typecheck: contract': 8,
};

/** Runs tasks `width` at a time, longest first; a task that mostly sleeps (`sleeps`) does not take a place. */
function runTogether(tasks, width) {
  const ordered = [...tasks].sort((a, b) => (TASK_SECONDS[b.title] ?? 0) - (TASK_SECONDS[a.title] ?? 0));
  return runBeside(
    ordered.map((task) => task.run),
    width + tasks.filter((task) => task.sleeps).length,
  );
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The builds this run has made (the contract is built once, for typecheck and build alike). */
const built = new Set();

/** Counts a build, like one test: passed when it built or was up to date. */
function countBuild(name, result, seconds) {
  if (result.ok && result.ran) built.add(name);
  process.stdout.write(
    `=== build: ${name}: ${result.ok ? (result.ran ? 'ok' : 'up to date') : 'FAILED'} in ${seconds}s\n`,
  );
  count(`build: ${name}`, {
    passed: result.ok ? 1 : 0,
    failed: result.ok ? 0 : 1,
    skipped: 0,
    problems: [],
    exitedOk: true,
  });
}

/** A build step, now; skipped (and still passed) when its output is up to date and `force` is false. */
function build(name, force) {
  process.stdout.write(`\n=== build: ${name}\n`);
  const started = Date.now();
  const result = ensureBuilt(root, name, { force });
  countBuild(name, result, ((Date.now() - started) / 1000).toFixed(1));
}

/** A build step as a task, beside others. */
const buildStep = (name, force) => ({
  title: `build: ${name}`,
  run: async () => {
    const { result, seconds } = await beside(`build: ${name}`, (onLine) =>
      startBuild(root, name, { force, env: childEnv, onLine }),
    );
    countBuild(name, result, seconds);
  },
});

/** A set-up failure: counted as a failed test, so the summary line says it, and named at the end. */
function setUpFailed(title, message) {
  console.error(`npm test: ${message}`);
  totals.failed += 1;
  failures.push(title);
}

/** The PID of a dockerd this run started, stopped at exit; undefined when it found one running. */
let startedDockerd;

/** The Docker Engine and the local test image the scaling tests need. */
function dockerSetUp() {
  const dockerd = ensureDockerd({
    startScript: path.join(root, 'scripts/start-dockerd'),
    pidFile: path.join(outDir, 'dockerd.pid'),
    env: { ...process.env, NTMA_LOG_DIR: process.env.NTMA_LOG_DIR ?? outDir },
  });
  startedDockerd = dockerd.startedPid;
  if (startedDockerd) console.log(`npm test: started a Docker Engine (pid ${startedDockerd}); it stops at the end`);
  if (!dockerd.ok) {
    // Outside CI the tests that need Docker then skip loudly; in CI they must run.
    if (inCi) setUpFailed('set-up: Docker Engine', 'no Docker Engine: scripts/start-dockerd failed');
    else console.warn('npm test: no Docker Engine (scripts/start-dockerd failed); the tests that need one skip');
    return;
  }
  const image = spawnSync(path.join(root, 'scripts/test-image'), [], { cwd: root, stdio: 'inherit' });
  if (image.status !== 0) setUpFailed('set-up: test image', 'scripts/test-image could not build the local test image');
}

/** Stops the dockerd this run started (never one it found running), by its PID. */
function stopStartedDockerd() {
  const pid = startedDockerd;
  startedDockerd = undefined;
  if (!pid) return;
  console.log(`npm test: stopping the Docker Engine it started (pid ${pid})`);
  if (!stopDockerd(pid)) console.error(`npm test: the Docker Engine (pid ${pid}) did not stop`);
}

/** Debian packages and node_modules; false when the tests cannot run (the message says what to do). */
function setUp() {
  process.stdout.write('\n=== set-up\n');
  const started = Date.now();
  const nodeProblem = nodeVersionProblem();
  if (nodeProblem) return (setUpFailed('set-up: Node.js', nodeProblem), false);
  const packages = ensurePackages(PACKAGES.test, { log: (line) => console.log(`npm test: ${line}`) });
  console.log(`npm test: ${packages.message}`);
  if (!packages.ok) return (setUpFailed('set-up: Debian packages', 'cannot run the tests without them'), false);
  const modules = ensureNodeModules(root, { log: (line) => console.log(`npm test: ${line}`) });
  console.log(`npm test: ${modules.message}`);
  if (!modules.ok) return (setUpFailed('set-up: npm packages', modules.message), false);
  process.stdout.write(`=== set-up: ok in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return true;
}

/**
 * Entries this run made in the temporary directory and left there: named, and in CI a failure. Every test, harness
 * and script removes what it makes; without this check a leak showed only as hundreds of directories weeks later.
 * Something else on the machine making ntma-* entries during the run (not a bench: see temp-leftovers.mjs) shows
 * here too, by name.
 */
function checkTemp() {
  const left = tempLeftovers(tempBefore, listTemp(), { kept: [path.basename(outDir)] });
  if (left.length === 0) return;
  const message = `${left.length} new entries left in ${tmpdir()} (a test, harness or script did not remove what it made): ${left.join(' ')}`;
  if (inCi) setUpFailed('clean-up: temporary directories', message);
  else console.warn(`npm test: ${message}`);
}

function finish(code) {
  stopStartedDockerd();
  // An interrupted run's steps may still be removing what they made.
  if (code === undefined) checkTemp();
  if (failures.length > 0) console.log(`\nFailed: ${failures.join('; ')}`);
  const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  // A failed run's reports (and the Docker Engine's log, when it is there) are kept for the user to read.
  if (totals.failed > 0 || failures.length > 0) {
    writeFileSync(path.join(outDir, 'summary.txt'), `${summary}\n`);
    console.log(`npm test: this run's reports are kept in ${outDir}`);
  } else rmSync(outDir, { recursive: true, force: true });
  // The summary must survive a log directory that is not there yet: losing it would read as a failure.
  const copy = process.env.NTMA_TEST_SUMMARY;
  if (copy) {
    mkdirSync(path.dirname(copy), { recursive: true });
    writeFileSync(copy, `${summary}\n`);
  }
  console.log(summary);
  process.exit(code ?? (totals.failed > 0 ? 1 : 0));
}

/**
 * Ctrl-C reaches the running step through the terminal and ends it; so does closing the terminal (SIGHUP). The
 * steps run synchronously, so this process's own signal handlers would run only at the very end: a step that
 * died of one of these signals ends the run here instead, stopping what it started. Without a SIGHUP handler a
 * closed terminal would end this process at once and leave a Docker Engine it started running.
 */
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
function interruptedBy(signal) {
  if (!ENDING_SIGNALS.includes(signal)) return;
  // What runs now is not waited for: it gets the signal too (a jest run's watchdog passes it on to jest).
  for (const child of running) child.kill(signal);
  console.log(`\nnpm test: interrupted (${signal})`);
  totals.failed += 1;
  failures.push(`interrupted by ${signal}`);
  finish(130);
}
for (const signal of ENDING_SIGNALS) process.on(signal, () => interruptedBy(signal));

const names = only.length > 0 ? only : Object.keys(phases).filter((name) => name !== 'setup');
const unknown = names.filter((name) => !phases[name]);
if (unknown.length > 0) {
  console.error(`unknown phase "${unknown[0]}"; phases: ${Object.keys(phases).join(', ')}`);
  process.exit(2);
}
/**
 * The phases whose tasks run together, in this order, and how many at a time (see phases). The unit runs go one
 * at a time, as before: some sidecar unit tests fit on the event loop itself (InlinePool, warm-up.test.ts), and
 * beside another run on a busy machine the overload guard sheds their requests with a 503.
 */
const GROUPS = [
  [['setup'], 1],
  [['lint', 'typecheck', 'build'], WIDTH],
  [['unit'], 1],
  [['integration'], 1],
];
if (setUp()) {
  for (const [group, width] of GROUPS) {
    const here = group.filter((name) => names.includes(name));
    if (here.length > 0)
      await runTogether(
        here.flatMap((name) => phases[name]()),
        width,
      );
  }
}
finish();
