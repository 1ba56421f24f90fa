// One jest run as `npm test` makes it: --json into a report file, then counted by jest-report.mjs.
// It runs under exit-watchdog.mjs, which ends a jest that has written its report but cannot exit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HUNG_AT_EXIT } from './exit-watchdog.mjs';
import { countJestReportFile, countMissingConfig } from './jest-report.mjs';

const watchdog = fileURLToPath(new URL('./exit-watchdog.mjs', import.meta.url));

/** How long jest may take to exit once its report is written (it normally takes under a second). */
export const EXIT_WAIT_MS = 60_000;

/**
 * Runs jest with `config` (relative to `root`) and returns its counts and whether its process
 * exited 0. `stdio` is 'inherit' for npm test and 'ignore' for the runner's own tests. A jest that
 * wrote its report and then had to be killed is counted from its report, with a problem line saying so.
 */
export function runJest({
  root,
  config,
  extra = [],
  ci = process.env.CI === 'true',
  stdio = 'inherit',
  outDir,
  exitWaitMs = EXIT_WAIT_MS,
}) {
  if (!existsSync(path.resolve(root, config))) return { ...countMissingConfig(config, ci), exitedOk: !ci };
  const dir = outDir ?? mkdtempSync(path.join(tmpdir(), 'ntma-jest-'));
  const report = path.join(dir, `${config.replace(/\W+/g, '-')}.json`);
  const jestBin = path.join(root, 'node_modules/jest/bin/jest.js');
  const result = spawnSync(
    process.execPath,
    [
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
    ],
    { cwd: root, stdio },
  );
  if (result.status === HUNG_AT_EXIT) {
    // The report decides pass or fail; the hang is shown, not counted as a failed test.
    const counts = countJestReportFile(report, true);
    const problem = `jest wrote its report but did not exit within ${exitWaitMs / 1000} s; killed (counted from its report)`;
    return { ...counts, problems: [...counts.problems, problem], exitedOk: true, hungAtExit: true };
  }
  const exitedOk = result.status === 0;
  return { ...countJestReportFile(report, exitedOk), exitedOk, signal: result.signal ?? undefined };
}
