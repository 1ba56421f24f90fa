// What one jest run counts for in `npm test`'s totals. jest's own exit status is not enough to
// read: a suite can fail outside any test (a throwing afterAll, a module that does not load), and
// then numFailedTests is 0 while the suite, and the run, failed.
import { existsSync, readFileSync } from 'node:fs';

/**
 * Counts from jest's --json report. A suite that failed with no failed test of its own (it failed
 * in a hook or while loading) counts as one failed test, so it shows in the summary line; a run
 * that jest calls unsuccessful with nothing else counted also counts as one.
 * @param {{numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number,
 *   numFailedTestSuites?: number, success?: boolean,
 *   testResults: Array<{name: string, status: string, message?: string, assertionResults: Array<{status: string}>}>}} report
 * @param {boolean} exitedOk whether the jest process exited 0
 */
export function countJestReport(report, exitedOk) {
  const passed = report.numPassedTests;
  let failed = report.numFailedTests;
  const skipped = report.numPendingTests + report.numTodoTests;
  const suiteFailures = report.testResults
    .filter((suite) => suite.status === 'failed' && !suite.assertionResults.some((a) => a.status === 'failed'))
    .map((suite) => ({ name: suite.name, message: firstLines(suite.message ?? '') }));
  failed += suiteFailures.length;
  const problems = suiteFailures.map((s) => `${s.name} failed outside its tests: ${s.message}`);
  if (failed === 0 && (!exitedOk || report.success === false || (report.numFailedTestSuites ?? 0) > 0)) {
    failed = 1;
    problems.push(`jest reported failure (exit ok: ${exitedOk}, success: ${report.success}) with no failed test`);
  }
  return { passed, failed, skipped, problems };
}

/** Counts for a run whose report file may be missing or unreadable (jest crashed before writing it). */
export function countJestReportFile(file, exitedOk) {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0, problems: ['jest wrote no report'] };
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { passed: 0, failed: 1, skipped: 0, problems: [`jest's report is not JSON: ${error.message}`] };
  }
  return countJestReport(report, exitedOk);
}

/**
 * A jest config that is not there: a failure under CI (a renamed config must not silently drop a
 * workspace's tests), a loud skip counted as one skipped test elsewhere.
 */
export function countMissingConfig(config, ci) {
  const problem = `jest config ${config} not found`;
  return ci
    ? { passed: 0, failed: 1, skipped: 0, problems: [problem] }
    : { passed: 0, failed: 0, skipped: 1, problems: [`${problem}; SKIPPED (it fails when CI=true)`] };
}

// jest's messages carry ANSI colours (ESC [ ... m) and a long stack; the head names the error.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function firstLines(text, lines = 6) {
  return text.replace(ANSI_COLOUR, '').trim().split('\n').slice(0, lines).join('\n');
}
