// The test runner's counting (issue 12): a suite failing outside its tests fails npm test, and a
// missing jest config fails under CI and is a counted skip elsewhere.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { countJestReport, countMissingConfig } from './jest-report.mjs';
import { runJest, startJest } from './jest-run.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('a real jest suite whose afterAll throws counts as a failure, though its test passed', () => {
  const result = runJest({
    root,
    config: 'scripts/lib/fixtures/jest-afterall-throws/jest.config.cjs',
    stdio: 'ignore',
    ci: true,
  });
  assert.equal(result.exitedOk, false);
  assert.equal(result.passed, 1);
  assert.equal(result.failed, 1);
  assert.match(result.problems.join('\n'), /failed outside its tests: .*teardown failed on purpose/s);
});

test('a missing jest config fails under CI', () => {
  const result = runJest({ root, config: 'no/such/jest.config.cjs', ci: true, stdio: 'ignore' });
  assert.deepEqual([result.passed, result.failed, result.skipped], [0, 1, 0]);
  assert.match(result.problems[0], /no\/such\/jest.config.cjs not found/);
});

test('a missing jest config outside CI is one loud skip', () => {
  const result = countMissingConfig('no/such/jest.config.cjs', false);
  assert.deepEqual([result.passed, result.failed, result.skipped], [0, 0, 1]);
  assert.match(result.problems[0], /SKIPPED/);
});

const report = (overrides) => ({
  numPassedTests: 3,
  numFailedTests: 0,
  numPendingTests: 1,
  numTodoTests: 0,
  numFailedTestSuites: 0,
  success: true,
  testResults: [{ name: 'a.test.ts', status: 'passed', message: '', assertionResults: [{ status: 'passed' }] }],
  ...overrides,
});

test('a clean report counts its tests and nothing else', () => {
  assert.deepEqual(countJestReport(report({}), true), { passed: 3, failed: 0, skipped: 1, problems: [] });
});

test('a suite that fails to load counts once; a suite with failed tests counts only those', () => {
  const counted = countJestReport(
    report({
      numFailedTests: 2,
      numFailedTestSuites: 2,
      success: false,
      testResults: [
        { name: 'broken.test.ts', status: 'failed', message: 'Cannot find module', assertionResults: [] },
        {
          name: 'red.test.ts',
          status: 'failed',
          message: 'expected',
          assertionResults: [{ status: 'failed' }, { status: 'failed' }],
        },
      ],
    }),
    false,
  );
  assert.equal(counted.failed, 3);
  assert.match(counted.problems.join('\n'), /broken.test.ts failed outside its tests: Cannot find module/);
});

test('jest saying it failed, with nothing else counted, still fails', () => {
  assert.equal(countJestReport(report({ success: false }), true).failed, 1);
  assert.equal(countJestReport(report({}), false).failed, 1);
  assert.equal(countJestReport(report({ numFailedTestSuites: 1 }), true).failed, 1);
});

test('a real jest run that writes its report and never exits is killed and counted from its report', () => {
  const started = Date.now();
  const result = runJest({
    root,
    config: 'scripts/lib/fixtures/jest-hangs-at-exit/jest.config.cjs',
    stdio: 'ignore',
    ci: true,
    exitWaitMs: 2000,
  });
  assert.equal(result.hungAtExit, true);
  assert.deepEqual([result.passed, result.failed, result.skipped], [1, 0, 0]);
  assert.match(result.problems.join('\n'), /did not exit within 2 s; killed/);
  // Killed soon after its report, not left to run: jest alone would wait forever.
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
});

test('two real jest runs side by side are each counted from their own report, their output heard a line at a time', async () => {
  const fixtures = ['jest-afterall-throws', 'jest-hangs-at-exit'];
  const lines = fixtures.map(() => []);
  const runs = fixtures.map((fixture, index) =>
    startJest({
      root,
      config: `scripts/lib/fixtures/${fixture}/jest.config.cjs`,
      ci: true,
      exitWaitMs: 2000,
      onLine: (line) => lines[index].push(line),
    }),
  );
  const [throws, hangs] = await Promise.all(runs.map((run) => run.done));
  assert.deepEqual([throws.passed, throws.failed, throws.exitedOk], [1, 1, false]);
  assert.deepEqual([hangs.passed, hangs.failed, hangs.hungAtExit], [1, 0, true]);
  fixtures.forEach((fixture, index) => {
    assert.ok(
      lines[index].some((line) => line.includes(fixture)),
      `no line of ${fixture}'s run names it:\n${lines[index].join('\n')}`,
    );
  });
});
