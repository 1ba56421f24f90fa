// What the forecast-peers scripts share about series: a NAB file read onto its step grid, its labelled anomaly
// windows, the shape suite's NAB series and their training length, and the scale every MASE here is divided by.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The NAB development series the shape suite scores (shapes.mjs), on their 5-minute grid. */
export const SUITE_NAB_FILES = [
  'realAWSCloudwatch/elb_request_count_8c0756.csv',
  'realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv',
  'realAWSCloudwatch/grok_asg_anomaly.csv',
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
];

/**
 * The shape suite's training length for a NAB series of `length` points: at most 4,032 (two weeks of 5-minute
 * points), and short enough that three origins a day apart (`dayPoints`), each scored on the `horizon` points after
 * it, fit in the file.
 */
export const suiteNabTrain = (length, horizon, dayPoints) => Math.min(4032, length - horizon - 2 * dayPoints);

/** The labels file, read once per corpus: a bench over every series asked for it once a series. */
const labelFiles = new Map();
function labelsOf(nabRoot) {
  if (!labelFiles.has(nabRoot)) {
    labelFiles.set(nabRoot, JSON.parse(readFileSync(path.join(nabRoot, 'labels', 'combined_windows.json'), 'utf8')));
  }
  return labelFiles.get(nabRoot);
}

/**
 * NAB's labelled anomaly windows for `file` (a path under data/, e.g. 'realAWSCloudwatch/x.csv') as [start, end]
 * pairs of unix seconds, both ends inside; none for a file the labels do not name.
 */
export function anomalyWindows(nabRoot, file) {
  const labels = labelsOf(nabRoot);
  const seconds = (s) => Date.parse(`${s.replace(' ', 'T')}Z`) / 1000;
  return (labels[file] ?? []).map(([a, b]) => [seconds(a), seconds(b)]);
}

/** Whether unix second `t` falls inside one of `windows` (anomalyWindows). */
export const inWindows = (windows, t) => windows.some(([a, b]) => t >= a && t <= b);

/**
 * A NAB data file's values on a grid of `stepSeconds` from its first timestamp, with their times;
 * a timestamp the file lacks becomes a gap (null), one off the grid is dropped.
 */
export function loadNabGrid(file, stepSeconds) {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [ts, v] = line.split(',');
      return { t: Date.parse(`${ts.replace(' ', 'T')}Z`) / 1000, v: Number(v) };
    });
  const values = [];
  const times = [];
  let next = rows[0].t;
  for (const { t, v } of rows) {
    while (next < t) {
      values.push(null);
      times.push(next);
      next += stepSeconds;
    }
    if (t === next) {
      values.push(v);
      times.push(t);
      next += stepSeconds;
    }
  }
  return { values, times };
}

/** MASE's scale: the training window's mean |y_t - y_{t-1}| over adjacent observed pairs. */
export function naiveScale(train) {
  let s = 0;
  let n = 0;
  for (let i = 1; i < train.length; i++) {
    if (train[i] === null || train[i - 1] === null) continue;
    s += Math.abs(train[i] - train[i - 1]);
    n++;
  }
  return s / Math.max(1, n);
}

/**
 * The mean of per-origin figures (a coverage, a MASE) with its standard error over origins: the sample standard
 * deviation over the square root of their count. An origin's 60 points are one correlated draw (a level that wanders
 * off for the hour takes a run of them outside the band together), so the spread of the origins' own figures is
 * what a cell is uncertain by, not 60 x origins binomial points. `se` is NaN below two figures (no spread to read).
 */
export function meanWithError(values) {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, se: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: Number.NaN };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

/**
 * Coverage of an interval and the points below and above it, over the observed points (null: a gap) `keep` lets
 * through (all, by default). An edge that is not a number covers nothing and misses on no side. `cover` is NaN
 * where none is scored.
 */
export function tally(actual, lower, upper, keep = () => true) {
  let n = 0;
  let inside = 0;
  let below = 0;
  let above = 0;
  actual.forEach((v, i) => {
    if (v === null || !keep(i)) return;
    n++;
    if (v >= lower[i] && v <= upper[i]) inside++;
    else if (v < lower[i]) below++;
    else if (v > upper[i]) above++;
  });
  return { n, below, above, cover: n === 0 ? Number.NaN : inside / n };
}
