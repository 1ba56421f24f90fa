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
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILDS, ensureBuilt } from './lib/builds.mjs';
import { PACKAGES, ensurePackages } from './lib/deps.mjs';
import { ensureDockerd, stopDockerd } from './lib/dockerd.mjs';
import { runJest } from './lib/jest-run.mjs';
import { ensureNodeModules } from './lib/npm-deps.mjs';
import { runNodeTests } from './lib/node-test.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'ntma-test-'));
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs only the named phases
const inCi = process.env.CI === 'true';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(title, command, args, options = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  interruptedBy(result.signal);
  const ok = result.status === 0;
  process.stdout.write(
    `=== ${title}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s\n`,
  );
  return ok;
}

/** A step that is not a jest run counts as one test. */
function step(title, command, args) {
  if (run(title, command, args)) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(title);
  }
}

/** Adds a run's counts (jest or node:test) to the totals; any failure or problem is named at the end. */
function count(title, counts) {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  for (const problem of counts.problems) console.log(`=== ${title}: ${problem}`);
  if (counts.failed > 0 || !counts.exitedOk) failures.push(title);
}

/** A jest run; its own counts go into the totals, including suites that failed outside a test. */
function jest(title, config, extra = []) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const counts = runJest({ root, config, extra, outDir });
  interruptedBy(counts.signal);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`=== ${title}: ${counts.failed > 0 ? 'FAILED' : 'ok'} in ${seconds}s\n`);
  count(title, counts);
}

/** The set-up scripts' node:test files (scripts/lib/*.test.mjs). */
/** The node:test files of the scripts' and the benches' shared modules. */
function scriptTests() {
  return ['scripts/lib', 'bench'].flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.test.mjs'))
      .map((name) => path.join(dir, name)),
  );
}

const phases = {
  lint() {
    step('lint: eslint', 'npx', ['eslint', '.']);
    step('lint: prettier', 'npx', ['prettier', '--check', '.']);
    step('lint: plugin', 'npm', ['run', 'lint', '-w', 'plugin']);
  },
  typecheck() {
    // Every other workspace typechecks against the contract's emitted declarations.
    build('contract', inCi);
    step('typecheck: contract', 'npx', ['tsc', '-p', 'contract', '--noEmit']);
    step('typecheck: sidecar', 'npx', ['tsc', '-p', 'sidecar', '--noEmit']);
    step('typecheck: test', 'npx', ['tsc', '-p', 'test', '--noEmit']);
    if (existsSync(path.join(root, 'demo/tsconfig.json')))
      step('typecheck: demo', 'npx', ['tsc', '-p', 'demo', '--noEmit']);
    step('typecheck: plugin', 'npm', ['run', 'typecheck', '-w', 'plugin']);
  },
  build() {
    // Integration tests run the compiled sidecar (worker threads, a SIGKILLed child) and the built plugin.
    // CI always builds (the build is under test); elsewhere an output newer than its sources is kept.
    for (const name of Object.keys(BUILDS)) build(name, inCi);
  },
  unit() {
    process.stdout.write('\n=== unit: scripts (node:test)\n');
    count('unit: scripts', runNodeTests({ root, files: scriptTests() }));
    jest('unit: contract', 'contract/jest.config.cjs');
    jest('unit: sidecar', 'sidecar/jest.config.cjs');
    jest('unit: demo', 'demo/jest.config.cjs');
    jest('unit: plugin', 'plugin/jest.config.js');
  },
  /** Only the set-up (`npm test -- setup`): packages, node_modules, builds, Docker Engine, test image. */
  setup() {
    for (const name of Object.keys(BUILDS)) build(name, false);
    dockerSetUp();
  },
  integration() {
    // Run alone (`npm test -- integration`), it still needs what the build phase makes.
    if (!names.includes('build') && !names.includes('setup'))
      for (const name of Object.keys(BUILDS)) build(name, false);
    if (!names.includes('setup')) dockerSetUp();
    jest('integration', 'test/jest.config.cjs');
  },
};

/** A build step, counted like one test; skipped (and still passed) when its output is up to date. */
function build(name, force) {
  process.stdout.write(`\n=== build: ${name}\n`);
  const started = Date.now();
  const result = ensureBuilt(root, name, { force });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
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
  const packages = ensurePackages(PACKAGES.test, { log: (line) => console.log(`npm test: ${line}`) });
  console.log(`npm test: ${packages.message}`);
  if (!packages.ok) return (setUpFailed('set-up: Debian packages', 'cannot run the tests without them'), false);
  const modules = ensureNodeModules(root, { log: (line) => console.log(`npm test: ${line}`) });
  console.log(`npm test: ${modules.message}`);
  if (!modules.ok) return (setUpFailed('set-up: npm packages', modules.message), false);
  process.stdout.write(`=== set-up: ok in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return true;
}

function finish(code) {
  stopStartedDockerd();
  if (failures.length > 0) console.log(`\nFailed: ${failures.join('; ')}`);
  const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  writeFileSync(path.join(outDir, 'summary.txt'), `${summary}\n`);
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
if (setUp()) for (const name of names) phases[name]();
finish();
