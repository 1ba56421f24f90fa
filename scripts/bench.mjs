#!/usr/bin/env node
// `npm run bench`: builds the sidecar once, then runs each benchmark under bench/ in turn. Each
// prints its table and writes bench/results/<name>.json. Benchmarks never gate CI; a benchmark that
// fails is reported and the others still run. `npm run bench -- bands` runs only the named ones.
// Benches not in `all` run only when named, since each takes a long stretch of the shared machine:
// `npm run bench -- withhold-live` (about 20 minutes: both withholding settings on the live stack).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['bands', 'scale', 'watch', 'autoscale', 'detect'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const names = wanted.length > 0 ? wanted : all;

const build = spawnSync('npm', ['run', 'build', '-w', 'sidecar'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('bench: the sidecar does not build');
  process.exit(1);
}

const outcomes = [];
for (const name of names) {
  const script = path.join(root, 'bench', `${name}.mjs`);
  if (!existsSync(script)) {
    outcomes.push(`${name}: no bench/${name}.mjs`);
    continue;
  }
  console.log(`\n### bench: ${name}`);
  const result = spawnSync(process.execPath, [script, '--skip-build', ...flags], { cwd: root, stdio: 'inherit' });
  outcomes.push(
    `${name}: ${result.status === 0 ? `ok, bench/results/${name}.json` : `FAILED (exit ${result.status})`}`,
  );
}
console.log(`\nbench summary:\n  ${outcomes.join('\n  ')}`);
