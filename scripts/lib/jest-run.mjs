// One jest run as `npm test` makes it: --json into a report file, then counted by jest-report.mjs.
// It runs under exit-watchdog.mjs, which ends a jest that has written its report but cannot exit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnLines } from './beside.mjs';
import { HUNG_AT_EXIT } from './exit-watchdog.mjs';
import { countJestReportFile, countMissingConfig } from './jest-report.mjs';

const watchdog = fileURLToPath(new URL('./exit-watchdog.mjs', import.meta.url));

/** How long jest may take to exit once its report is written (it normally takes under a second). */
export const EXIT_WAIT_MS = 60_000;

/**
 * The watchdog's command line for one jest run, the report file it writes, and `ownDir`: the directory made for the
 * report when the caller gave none, removed once the report is counted.
 */
function jestCommand({ root, config, extra, outDir, name, exitWaitMs }) {
  const ownDir = outDir ? undefined : mkdtempSync(path.join(tmpdir(), 'ntma-jest-'));
  const dir = outDir ?? ownDir;
  const report = path.join(dir, `${(name ?? config).replace(/\W+/g, '-')}.json`);
  const jestBin = path.join(root, 'node_modules/jest/bin/jest.js');
  const args = [
    watchdog,
    report,
    String(exitWaitMs),
    process.execPath,
    jestBin,
    '--config',
    config,
    '--ci',
    '--json',
    `--outputFile=${report}`,
    ...extra,
  ];
  return { args, report, ownDir };
}

/** countRun, then the report's own directory removed: what the report said is in the counts and problems. */
function countAndClean(report, ownDir, status, signal, exitWaitMs) {
  try {
    return countRun(report, status, signal, exitWaitMs);
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}

/** A finished run's counts: from its report, with a hang at exit shown as a problem, not a failed test. */
function countRun(report, status, signal, exitWaitMs) {
  if (status === HUNG_AT_EXIT) {
    const counts = countJestReportFile(report, true);
    const problem = `jest wrote its report but did not exit within ${exitWaitMs / 1000} s; killed (counted from its report)`;
    return { ...counts, problems: [...counts.problems, problem], exitedOk: true, hungAtExit: true };
  }
  const exitedOk = status === 0;
  return { ...countJestReportFile(report, exitedOk), exitedOk, signal: signal ?? undefined };
}

/**
 * Runs jest with `config` (relative to `root`) and returns its counts and whether its process
 * exited 0. `stdio` is 'inherit' for npm test and 'ignore' for the runner's own tests. A jest that
 * wrote its report and then had to be killed is counted from its report, with a problem line saying so.
 * `name` names the report file when two runs share a config.
 */
export function runJest({
  root,
  config,
  extra = [],
  name,
  ci = process.env.CI === 'true',
  stdio = 'inherit',
  outDir,
  exitWaitMs = EXIT_WAIT_MS,
}) {
  if (!existsSync(path.resolve(root, config))) return { ...countMissingConfig(config, ci), exitedOk: !ci };
  const { args, report, ownDir } = jestCommand({ root, config, extra, outDir, name, exitWaitMs });
  const result = spawnSync(process.execPath, args, { cwd: root, stdio });
  return countAndClean(report, ownDir, result.status, result.signal, exitWaitMs);
}

/**
 * runJest without waiting, so that two runs can share the machine: `{ child, done }`, where `done` resolves to
 * runJest's answer. Its output reaches `onLine` a whole line at a time (stdout and stderr alike), so the lines
 * of two runs never break into each other; `child` is there to pass a signal on.
 */
export function startJest({
  root,
  config,
  extra = [],
  name,
  ci = process.env.CI === 'true',
  outDir,
  exitWaitMs = EXIT_WAIT_MS,
  onLine,
  env = process.env,
}) {
  if (!existsSync(path.resolve(root, config)))
    return { child: undefined, done: Promise.resolve({ ...countMissingConfig(config, ci), exitedOk: !ci }) };
  const { args, report, ownDir } = jestCommand({ root, config, extra, outDir, name, exitWaitMs });
  const { child, exited } = spawnLines(process.execPath, args, { cwd: root, env, onLine });
  const done = exited.then(({ status, signal }) => countAndClean(report, ownDir, status, signal, exitWaitMs));
  return { child, done };
}
