/**
 * Where training ends and the band begins. Pure arithmetic on the millisecond grid, so that the
 * training window (part of the model cache key) is the same for every request that can share it.
 */
import { BadRequest, PayloadTooLarge } from '../errors.js';
import { toMs, type Grid } from '../series/grid.js';
import { DEFAULT_TRAIN_MAX_POINTS, DEFAULT_TRAIN_SECONDS, TRAIN_ALIGN_SECONDS, type BandLimits } from './limits.js';
import { formatDuration } from './time.js';

/** A grid split into [0, trainPoints) training, then warm-up points, then the banded range. */
export interface Layout {
  /** Everything to fetch or hold: training, warm-up and band, on one grid. */
  grid: Grid;
  trainPoints: number;
  /** Points between the end of training and the first banded point (fed to the model, not shown). */
  warmupPoints: number;
  bandPoints: number;
}

function modulo(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function blockMs(stepMs: number): number {
  return stepMs * Math.max(1, Math.ceil((TRAIN_ALIGN_SECONDS * 1000) / stepMs));
}

function trainPointsFor(
  trainSeconds: number | undefined,
  stepMs: number,
  available: number,
  limits: BandLimits,
): number {
  if (trainSeconds === undefined) {
    const wanted = Math.min(Math.floor((DEFAULT_TRAIN_SECONDS * 1000) / stepMs), DEFAULT_TRAIN_MAX_POINTS, available);
    return Math.max(wanted, limits.minTrainPoints);
  }
  const points = Math.floor(toMs(trainSeconds) / stepMs);
  const step = formatDuration(stepMs / 1000);
  if (points > limits.maxTrainPoints) {
    throw new BadRequest(
      `${formatDuration(trainSeconds)} is ${points} points at step ${step}; at most ${limits.maxTrainPoints}`,
      'train',
    );
  }
  if (points < limits.minTrainPoints) {
    throw new BadRequest(
      `${formatDuration(trainSeconds)} is ${points} points at step ${step}; at least ${limits.minTrainPoints} are needed`,
      'train',
    );
  }
  return points;
}

/**
 * For POST /bands: train on the window right before `start`, band [start, end]. The training
 * window ends at the last alignment boundary at or before `start` (on start's step grid); the
 * points between it and `start` only warm the one-step predictor up.
 */
export function queryLayout(
  start: number,
  end: number,
  step: number,
  trainSeconds: number | undefined,
  limits: BandLimits,
): Layout {
  const startMs = toMs(start);
  const endMs = toMs(end);
  const stepMs = toMs(step);
  if (stepMs < 1) throw new BadRequest('must be at least 1ms', 'step');
  if (endMs < startMs) throw new BadRequest('must not be before start', 'end');
  const bandPoints = Math.floor((endMs - startMs) / stepMs) + 1;
  if (bandPoints > limits.maxPointsPerSeries) {
    throw new BadRequest(
      `start..end holds ${bandPoints} points at step ${formatDuration(step)}; at most ${limits.maxPointsPerSeries} per series, so raise the step or shorten the range`,
      'step',
    );
  }
  const trainPoints = trainPointsFor(trainSeconds, stepMs, Number.POSITIVE_INFINITY, limits);
  const block = blockMs(stepMs);
  const phase = modulo(startMs, stepMs);
  const trainEndMs = startMs - modulo(startMs - phase, block);
  const warmupPoints = (startMs - trainEndMs) / stepMs;
  const count = trainPoints + warmupPoints + bandPoints;
  return { grid: { startMs: trainEndMs - trainPoints * stepMs, stepMs, count }, trainPoints, warmupPoints, bandPoints };
}

/**
 * For POST /bands/series: the client's own points. Training starts at the first alignment
 * boundary on or after the first point and lasts `train` (default: half the points, at most a
 * week); the band covers every point after it. Points before the boundary are not used.
 */
export function seriesLayout(grid: Grid, trainSeconds: number | undefined, limits: BandLimits, field: string): Layout {
  const block = blockMs(grid.stepMs);
  const phase = modulo(grid.startMs, grid.stepMs);
  const skip = modulo(block - modulo(grid.startMs - phase, block), block) / grid.stepMs;
  const available = grid.count - skip;
  const trainPoints = trainPointsFor(trainSeconds, grid.stepMs, Math.floor(available / 2), limits);
  const bandPoints = available - trainPoints;
  if (bandPoints < 1) {
    // Say how many it takes: the training length may be the minimum, not a share of what was sent.
    const skipped =
      skip > 0 ? `the first ${skip} come before a ${formatDuration(block / 1000)} boundary and are not used, ` : '';
    throw new BadRequest(
      `${grid.count} points at step ${formatDuration(grid.stepMs / 1000)} leave nothing to band: ${skipped}the model ` +
        `trains on ${trainPoints} and bands the points after them, so at least ${skip + trainPoints + 1} are needed; ` +
        'send more points or a shorter train',
      trainSeconds === undefined ? field : 'train',
    );
  }
  return {
    grid: { startMs: grid.startMs + skip * grid.stepMs, stepMs: grid.stepMs, count: available },
    trainPoints,
    warmupPoints: 0,
    bandPoints,
  };
}

/** Refuses a body series with more points than allowed: 413 naming it. */
export function checkPointCount(count: number, limits: BandLimits, field: string): void {
  if (count > limits.maxPointsPerSeries) {
    throw new PayloadTooLarge(`${field}: ${count} points; at most ${limits.maxPointsPerSeries} per series`);
  }
}
