// bench/forecast-peers/peer-run.mjs: a peer whose command is missing is skipped with what to install, and an answer
// is scored on the points that followed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ALL_PEERS, runPeer, score } from './forecast-peers/peer-run.mjs';

test('a peer whose command is missing is fatal, and the error says what to install', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'ntma-peer-run-'));
  try {
    const r = ALL_PEERS.find((p) => p.key === 'r');
    const { result, error, fatal } = runPeer({ ...r, command: 'ntma-no-such-rscript' }, '{}', work);
    assert.equal(result, undefined);
    assert.equal(fatal, true);
    assert.match(error, /ENOENT/);
    assert.match(error, /apt-get install r-cran-forecast/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('score gives MASE over the scale and the share inside the interval, gaps left out', () => {
  const { mase, coverage, below, above } = score([1, null, 3, 10], [1, 5, 2, 6], [0, 0, 0, 0], [2, 2, 4, 8], 2);
  // Errors 0, 1, 4 over three points, scale 2; 1 and 3 inside, 10 above.
  assert.ok(Math.abs(mase - 5 / 3 / 2) < 1e-12);
  assert.ok(Math.abs(coverage - 2 / 3) < 1e-12);
  assert.equal(below, 0);
  assert.ok(Math.abs(above - 1 / 3) < 1e-12);
});

test('score says which side a miss fell, and an edge that is not a number covers nothing', () => {
  const { coverage, below, above } = score([-1, 5, 1, 1], [0, 0, 0, 0], [0, 0, Number.NaN, 0], [2, 2, 2, 2], 1);
  assert.equal(below, 1 / 4);
  assert.equal(above, 1 / 4);
  assert.equal(coverage, 1 / 4);
});
