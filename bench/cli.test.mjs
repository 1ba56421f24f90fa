// bench/cli.mjs: --help prints a bench's usage and runs nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, usageOf } from './cli.mjs';

test('usageOf takes the leading comment block after the #! line, without the comment marks', () => {
  const source =
    '#!/usr/bin/env node\n// What it does.\n//\n//   node x.mjs [--n 3]\nimport a from "a";\n// not usage\n';
  assert.equal(usageOf(source), 'What it does.\n\n  node x.mjs [--n 3]');
  assert.equal(usageOf('import a from "a";\n'), '');
  const block =
    '#!/usr/bin/env node\n/**\n * What it does.\n *\n * Usage: node y.mjs [--quick]\n */\nimport b from "b";\n';
  assert.equal(usageOf(block), 'What it does.\n\nUsage: node y.mjs [--quick]');
});

test('a bench given --help prints its usage and exits at once, before its run starts', () => {
  // The suite takes minutes: a run that started would hit the timeout and have no exit status.
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bench/forecast-peers/shapes.mjs'), '--help'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /node bench\/forecast-peers\/shapes\.mjs \[--origins 24\]/);
});
