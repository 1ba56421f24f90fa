// bench/forecast-peers/series-tools.mjs: the per-origin mean and its standard error the shape suite reports, the
// suite's NAB training length and the labelled windows' test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { anomalyWindows, inWindows, meanWithError, suiteNabTrain } from './forecast-peers/series-tools.mjs';

test('meanWithError gives the mean and the sample standard deviation over the square root of the count', () => {
  // Four origins' coverages: mean 0.95, sample variance ((0.05^2) * 2 + 0 + 0) / 3.
  const { mean, se } = meanWithError([0.9, 1, 0.95, 0.95]);
  assert.ok(Math.abs(mean - 0.95) < 1e-12);
  assert.ok(Math.abs(se - Math.sqrt((2 * 0.05 ** 2) / 3 / 4)) < 1e-12);
  // Origins that agree have no spread to be uncertain by.
  assert.deepEqual(meanWithError([0.5, 0.5, 0.5]), { mean: 0.5, se: 0 });
});

test('meanWithError has no standard error below two figures, and no mean without one', () => {
  const one = meanWithError([0.9]);
  assert.equal(one.mean, 0.9);
  assert.ok(Number.isNaN(one.se));
  const none = meanWithError([]);
  assert.ok(Number.isNaN(none.mean));
  assert.ok(Number.isNaN(none.se));
});

test('suiteNabTrain leaves room for three origins a day apart and their horizons, at most two weeks', () => {
  // NAB's 4,032-point AWS files: 4,032 - 60 - 2 x 288.
  assert.equal(suiteNabTrain(4032, 60, 288), 3396);
  assert.equal(suiteNabTrain(10000, 60, 288), 4032);
});

test('inWindows holds both ends of a labelled window', () => {
  const windows = [
    [100, 200],
    [500, 600],
  ];
  assert.ok(inWindows(windows, 100) && inWindows(windows, 200) && inWindows(windows, 550));
  assert.ok(!inWindows(windows, 99) && !inWindows(windows, 201) && !inWindows([], 150));
});

test('anomalyWindows gives a file its labelled windows in unix seconds, reading the labels once per corpus', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ntma-bench-labels-'));
  try {
    mkdirSync(path.join(root, 'labels'));
    const labels = path.join(root, 'labels', 'combined_windows.json');
    writeFileSync(
      labels,
      JSON.stringify({ 'a/x.csv': [['2014-02-19 10:50:00.000000', '2014-02-20 03:30:00.000000']] }),
    );
    assert.deepEqual(anomalyWindows(root, 'a/x.csv'), [[1392807000, 1392867000]]);
    // A file the labels do not name has none; and the labels are not read again (the file is gone).
    rmSync(labels);
    assert.deepEqual(anomalyWindows(root, 'a/y.csv'), []);
    assert.deepEqual(anomalyWindows(root, 'a/x.csv'), [[1392807000, 1392867000]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
