#!/usr/bin/env node
// `npm test`: lint, typecheck, build, unit tests of every workspace, then the integration tests
// against the real Prometheus, Docker Engine and Chromium. Ends with one line, "N passed, N failed",
// counting jest tests plus the lint/typecheck/build steps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJest } from './lib/jest-run.mjs';
import { runNodeTests } from './lib/node-test.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'ntma-test-'));
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs only the named phases

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(title, command, args, options = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
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
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`=== ${title}: ${counts.failed > 0 ? 'FAILED' : 'ok'} in ${seconds}s\n`);
  count(title, counts);
}

/** The set-up scripts' node:test files (scripts/lib/*.test.mjs). */
function scriptTests() {
  const dir = path.join(root, 'scripts/lib');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.mjs'))
    .map((name) => path.join('scripts/lib', name));
}

const phases = {
  lint() {
    step('lint: eslint', 'npx', ['eslint', '.']);
    step('lint: prettier', 'npx', ['prettier', '--check', '.']);
    step('lint: plugin', 'npm', ['run', 'lint', '-w', 'plugin']);
  },
  typecheck() {
    // Every other workspace typechecks against the contract's emitted declarations.
    step('build: contract', 'npm', ['run', 'build', '-w', 'contract']);
    step('typecheck: contract', 'npx', ['tsc', '-p', 'contract', '--noEmit']);
    step('typecheck: sidecar', 'npx', ['tsc', '-p', 'sidecar', '--noEmit']);
    step('typecheck: test', 'npx', ['tsc', '-p', 'test', '--noEmit']);
    if (existsSync(path.join(root, 'demo/tsconfig.json')))
      step('typecheck: demo', 'npx', ['tsc', '-p', 'demo', '--noEmit']);
    step('typecheck: plugin', 'npm', ['run', 'typecheck', '-w', 'plugin']);
  },
  build() {
    // Integration tests run the compiled sidecar (worker threads, a SIGKILLed child) and the built plugin,
    // which all import the compiled contract.
    step('build: contract', 'npm', ['run', 'build', '-w', 'contract']);
    step('build: sidecar', 'npm', ['run', 'build', '-w', 'sidecar']);
    if (existsSync(path.join(root, 'demo/package.json'))) step('build: demo', 'npm', ['run', 'build', '-w', 'demo']);
    step('build: plugin', 'npm', ['run', 'build', '-w', 'plugin']);
  },
  unit() {
    process.stdout.write('\n=== unit: scripts (node:test)\n');
    count('unit: scripts', runNodeTests({ root, files: scriptTests() }));
    jest('unit: contract', 'contract/jest.config.cjs');
    jest('unit: sidecar', 'sidecar/jest.config.cjs');
    jest('unit: demo', 'demo/jest.config.cjs');
    jest('unit: plugin', 'plugin/jest.config.js');
  },
  integration() {
    jest('integration', 'test/jest.config.cjs');
  },
};

const names = only.length > 0 ? only : Object.keys(phases);
for (const name of names) {
  if (!phases[name]) {
    console.error(`unknown phase "${name}"; phases: ${Object.keys(phases).join(', ')}`);
    process.exit(2);
  }
  phases[name]();
}

if (failures.length > 0) console.log(`\nFailed: ${failures.join('; ')}`);
const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
writeFileSync(path.join(outDir, 'summary.txt'), `${summary}\n`);
if (process.env.NTMA_TEST_SUMMARY) writeFileSync(process.env.NTMA_TEST_SUMMARY, `${summary}\n`);
console.log(summary);
process.exit(totals.failed > 0 ? 1 : 0);
