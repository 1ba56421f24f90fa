// The set-up scripts' own tests use node:test (the scripts run on node built-ins alone, before
// node_modules exists). npm test runs them like a jest project and counts them from the TAP summary.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnLines } from './beside.mjs';

/** Counts from the summary lines node's TAP reporter ends with ("# pass 3", "# fail 0", ...). */
export function countTap(tap) {
  const read = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? NaN);
  const [pass, fail, cancelled, skipped, todo] = ['pass', 'fail', 'cancelled', 'skipped', 'todo'].map(read);
  if ([pass, fail].some(Number.isNaN)) {
    return { passed: 0, failed: 1, skipped: 0, problems: ['node --test printed no summary'] };
  }
  return { passed: pass, failed: fail + (cancelled || 0), skipped: (skipped || 0) + (todo || 0), problems: [] };
}

/**
 * Starts `node --test` on the given files, its spec reporter's lines going to `onLine` (see beside.mjs), counted
 * from TAP. Returns `{ child, done }`; `done` resolves to the counts and whether it exited 0.
 */
export function startNodeTests({ root, files, onLine, env = process.env }) {
  const tapDir = mkdtempSync(path.join(tmpdir(), 'ntma-node-test-'));
  const tapFile = path.join(tapDir, 'report.tap');
  const { child, exited } = spawnLines(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { cwd: root, env, onLine },
  );
  const done = exited.then(({ status, signal }) => {
    const exitedOk = status === 0;
    const counts = existsSync(tapFile)
      ? countTap(readFileSync(tapFile, 'utf8'))
      : { passed: 0, failed: 1, skipped: 0, problems: ['node --test wrote no report'] };
    // The failures' details went to onLine with the spec reporter; the TAP file only gave the counts.
    rmSync(tapDir, { recursive: true, force: true });
    if (!exitedOk && counts.failed === 0) {
      counts.failed = 1;
      counts.problems.push(`node --test exited ${status ?? signal}`);
    }
    return { ...counts, exitedOk, signal: signal ?? undefined };
  });
  return { child, done };
}
