// One jest run as `npm test` makes it: --json into a report file, then counted by jest-report.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countJestReportFile, countMissingConfig } from './jest-report.mjs';

/**
 * Runs jest with `config` (relative to `root`) and returns its counts and whether its process
 * exited 0. `stdio` is 'inherit' for npm test and 'ignore' for the runner's own tests.
 */
export function runJest({ root, config, extra = [], ci = process.env.CI === 'true', stdio = 'inherit', outDir }) {
  if (!existsSync(path.resolve(root, config))) return { ...countMissingConfig(config, ci), exitedOk: !ci };
  const dir = outDir ?? mkdtempSync(path.join(tmpdir(), 'ntma-jest-'));
  const report = path.join(dir, `${config.replace(/\W+/g, '-')}.json`);
  const jestBin = path.join(root, 'node_modules/jest/bin/jest.js');
  const result = spawnSync(
    process.execPath,
    [jestBin, '--config', config, '--ci', '--json', `--outputFile=${report}`, ...extra],
    { cwd: root, stdio },
  );
  const exitedOk = result.status === 0;
  return { ...countJestReportFile(report, exitedOk), exitedOk, signal: result.signal ?? undefined };
}
