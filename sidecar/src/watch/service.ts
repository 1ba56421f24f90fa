/**
 * The watch loop: every watcher steps on its own grid (multiples of its step, so live points
 * line up with the backfilled range query), never overlapping itself. A step that would start
 * while the previous one still runs is skipped and counted; the lag metric says how close to
 * the edge the loop runs. Fits happen elsewhere (the refit queue and worker pool), so a step
 * never waits for one.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { HealthMetrics } from '../metrics/health.js';
import type { SeriesSample } from '../metrics/series-metrics.js';
import { AnomalyLog } from './anomaly-log.js';
import type { WatchConfig } from './config.js';
import { RefitQueue, type AsyncBatchFit, type AsyncFit } from './refit.js';
import { Watcher, type DetectorFactory, type WatcherState, type WatchSource } from './watcher.js';

export type WatchLogger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug'>;

export interface WatchServiceOptions {
  config: WatchConfig;
  source: WatchSource;
  fit: AsyncFit;
  /** Many fits in one message (the worker pool); without it each fit is its own call. */
  fitBatch?: AsyncBatchFit;
  /** Cores of fit time refits of fitted series may use (RefitOptions.refitCores); no bound by default. */
  refitCores?: number;
  detectors: DetectorFactory;
  health: HealthMetrics;
  logger: WatchLogger;
  /** Refits outstanding at once (queued in the pool or running). */
  maxFitsInFlight: number;
  /** Anomalies kept for GET /api/v1/anomalies. */
  anomalyCapacity?: number;
  /** Wall clock in ms; tests may pass their own. */
  now?: () => number;
  /** Frees what the service was given to own (the worker pool), after the last step finished. */
  release?: () => Promise<void>;
}

interface Schedule {
  watcher: Watcher;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  /** Last time (ms) a given kind of warning was logged, to keep a failing loop from flooding the log. */
  warnedAt: Map<string, number>;
}

/** Repeated warnings about the same thing (Prometheus down, a cap hit) at most this often. */
const WARN_EVERY_MS = 10 * 60_000;

export class WatchService {
  readonly anomalies: AnomalyLog;
  readonly refits: RefitQueue;
  private readonly schedules: Schedule[];
  private readonly now: () => number;
  private stopped = false;
  private started: Promise<void> | null = null;

  constructor(private readonly options: WatchServiceOptions) {
    this.now = options.now ?? Date.now;
    this.anomalies = new AnomalyLog(options.anomalyCapacity ?? 1000);
    const { health } = options;
    this.refits = new RefitQueue(options.fit, {
      maxInFlight: options.maxFitsInFlight,
      ...(options.fitBatch ? { fitBatch: options.fitBatch } : {}),
      ...(options.refitCores !== undefined ? { refitCores: options.refitCores } : {}),
      observe: (seconds, outcome) => health.fitDuration.observe({ source: 'watch', outcome }, seconds),
    });
    health.addQueue('watch', () => this.refits.queued);
    this.schedules = options.config.watchers.map((spec) => {
      const schedule: Schedule = {
        watcher: undefined as unknown as Watcher,
        timer: null,
        running: null,
        warnedAt: new Map(),
      };
      schedule.watcher = new Watcher(spec, options.source, options.detectors, this.refits, this.anomalies, {
        queryError: (code, error) => {
          health.queryErrors.inc({ source: 'watch', code });
          this.warnOnce(schedule, `query:${code}`, { watcher: spec.name, code, err: error }, 'watcher query failed');
        },
        capHit: (dropped) => {
          health.seriesRefused.inc({ watcher: spec.name }, dropped);
          this.warnOnce(
            schedule,
            'cap',
            { watcher: spec.name, maxSeries: spec.maxSeries, refused: dropped },
            `watcher "${spec.name}" is at its max_series cap (${spec.maxSeries}); ${dropped} more series are not watched`,
          );
        },
        signalCapHit: (role, refused) => {
          health.signalSeriesRefused.inc({ watcher: spec.name, role }, refused);
          this.warnOnce(
            schedule,
            `signal-cap:${role}`,
            { watcher: spec.name, role, maxSeries: spec.maxSeries, refused },
            `watcher "${spec.name}": its ${role} signal returned more than max_series (${spec.maxSeries}) series; ${refused} are not followed`,
          );
        },
        refit: (result, error) => {
          health.refits.inc({ watcher: spec.name, result });
          if (error !== undefined) options.logger.debug({ watcher: spec.name, err: error }, 'refit failed');
        },
      });
      return schedule;
    });
  }

  /** The watchers file the service was configured from. */
  get source(): string {
    return this.options.config.source;
  }

  get watchers(): Watcher[] {
    return this.schedules.map((s) => s.watcher);
  }

  /**
   * Backfills every watcher (one range query each, in parallel) and starts their steps. Returns
   * at once; `ready()` resolves when the backfill is done.
   */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = this.run();
  }

  /** Resolves when every watcher has backfilled and scheduled its first step. */
  ready(): Promise<void> {
    return this.started ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.refits.stop();
    for (const schedule of this.schedules) {
      if (schedule.timer) clearTimeout(schedule.timer);
      schedule.timer = null;
    }
    await this.started?.catch(() => undefined);
    await Promise.all(this.schedules.map((s) => s.running?.catch(() => undefined)));
    for (const schedule of this.schedules) schedule.watcher.stop();
    await this.options.release?.();
  }

  /** Config and live state of every watcher, for GET /api/v1/watchers. */
  describe(): Array<{ watcher: Watcher; state: WatcherState }> {
    return this.schedules.map(({ watcher }) => ({ watcher, state: watcher.state() }));
  }

  /** Every watched series as the /metrics exporter renders it. */
  *samples(): Iterable<SeriesSample> {
    for (const { watcher } of this.schedules) {
      for (const state of watcher.series.values()) {
        const verdict = state.verdict;
        const modelled = verdict !== null && verdict.forecast !== null;
        const scored = modelled && state.present;
        yield {
          labels: state.exported,
          actual: state.present && verdict ? verdict.value : null,
          forecast: modelled ? verdict.forecast : null,
          lower: modelled ? verdict.lower : null,
          upper: modelled ? verdict.upper : null,
          anomaly: scored ? verdict.anomaly : null,
          score: scored ? verdict.score : null,
          kind: watcher.kindOf(state),
        };
      }
    }
  }

  private async run(): Promise<void> {
    await Promise.all(
      this.schedules.map(async (schedule) => {
        const stepMs = schedule.watcher.spec.stepSeconds * 1000;
        const first = this.gridAfter(this.now(), stepMs);
        const began = this.now();
        await schedule.watcher.backfill(first / 1000);
        if (this.stopped) return;
        this.options.logger.info(
          { watcher: schedule.watcher.name, series: schedule.watcher.series.size, ms: Math.round(this.now() - began) },
          'watcher backfilled',
        );
        // A long backfill is not loop lag: live steps start on the next grid time from now, and
        // the detectors carry any steps it took as gaps.
        this.schedule(schedule, Math.max(first, this.gridAfter(this.now() - this.settleMs(stepMs), stepMs)));
      }),
    );
  }

  /** The first grid time strictly after `ms`. */
  private gridAfter(ms: number, stepMs: number): number {
    return (Math.floor(ms / stepMs) + 1) * stepMs;
  }

  /**
   * Prometheus stamps a scrape with its start time and commits it when the scrape ends, so a
   * query at exactly t can miss a sample stamped just before t. Waiting a little past t lets
   * such samples land without changing which instant is evaluated.
   */
  private settleMs(stepMs: number): number {
    return Math.min(250, stepMs / 10);
  }

  private schedule(schedule: Schedule, at: number): void {
    if (this.stopped) return;
    const stepMs = schedule.watcher.spec.stepSeconds * 1000;
    const delay = Math.max(0, at + this.settleMs(stepMs) - this.now());
    schedule.timer = setTimeout(() => this.tick(schedule, at), delay);
  }

  private tick(schedule: Schedule, at: number): void {
    if (this.stopped) return;
    const { watcher } = schedule;
    const stepMs = watcher.spec.stepSeconds * 1000;
    // Schedule the next step first, on the grid, so a slow step does not drift the grid.
    let next = at + stepMs;
    const late = Math.floor((this.now() - this.settleMs(stepMs) - next) / stepMs) + 1;
    if (late > 0) {
      next += late * stepMs;
      this.options.health.stepsSkipped.inc({ watcher: watcher.name }, late);
    }
    this.schedule(schedule, next);
    if (schedule.running) {
      this.options.health.stepsSkipped.inc({ watcher: watcher.name });
      return;
    }
    schedule.running = watcher
      .step(at / 1000)
      .catch((error: unknown) => {
        this.options.logger.error({ watcher: watcher.name, err: error }, 'watcher step failed');
      })
      .finally(() => {
        const lag = (this.now() - at) / 1000;
        watcher.lagSeconds = lag;
        this.options.health.loopLag.set({ watcher: watcher.name }, lag);
        schedule.running = null;
      });
  }

  private warnOnce(schedule: Schedule, what: string, context: Record<string, unknown>, message: string): void {
    const now = this.now();
    const last = schedule.warnedAt.get(what);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    schedule.warnedAt.set(what, now);
    this.options.logger.warn(context, message);
  }
}
