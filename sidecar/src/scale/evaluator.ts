/**
 * The periodic evaluation of every automatic target: each interval (NTMA_SCALE_EVAL_SECONDS,
 * default 15 s, like Kubernetes' HPA sync period) the predictive policy looks at each target that
 * is opted in, has `ntma.scale.auto` dry-run or on and a capacity model, on the watchers' state at
 * that moment. Alerts trigger the same evaluation in between. A tick that would start while the
 * previous one still runs (a slow engine) is skipped rather than queued.
 *
 * With the interval at 0 the predictive policy runs only when an alert names a target, but the replicas an
 * attack alert added are still given back: a sweep every FLOOD_SWEEP_MS looks only at the alert-driven targets
 * that hold such replicas (`Scaler.autoTargets({ floodsOnly: true })`), and does nothing while none does.
 */
import type { Scaler } from './scaler.js';

export interface EvaluatorLogger {
  warn(context: object, message: string): void;
  info(context: object, message: string): void;
}

/** With the periodic evaluation off, how often the flood give-back still looks (HPA's sync period). */
export const FLOOD_SWEEP_MS = 15_000;

export class AutoEvaluator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly scaler: Scaler,
    private readonly intervalMs: number,
    private readonly logger: EvaluatorLogger,
    private readonly floodSweepMs: number = FLOOD_SWEEP_MS,
  ) {}

  /**
   * Starts the timer; an interval of 0 disables the periodic evaluation (alerts still trigger it), all but the
   * flood give-back's sweep.
   */
  start(): void {
    if (this.timer || this.stopped) return;
    const floodsOnly = this.intervalMs <= 0;
    this.timer = setInterval(
      () => {
        if (this.running) return;
        this.running = this.tick({ floodsOnly }).finally(() => {
          this.running = null;
        });
      },
      floodsOnly ? this.floodSweepMs : this.intervalMs,
    );
    this.timer.unref();
  }

  /** One pass over every automatic target (or only those holding a flood's replicas); errors are logged, never thrown. */
  async tick(options: { floodsOnly?: boolean } = {}): Promise<void> {
    let targets: string[];
    try {
      targets = await this.scaler.autoTargets(options);
    } catch (error) {
      this.logger.warn({ err: error }, 'autoscaler: could not list targets');
      return;
    }
    for (const target of targets) {
      if (this.stopped) return;
      try {
        const decision = await this.scaler.evaluate(target);
        if (decision.decision === 'scaled' || decision.decision === 'dry_run') {
          this.logger.info({ target, decision }, `autoscaler: ${decision.reason}`);
        }
      } catch (error) {
        this.logger.warn({ target, err: error }, 'autoscaler: evaluation failed');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
