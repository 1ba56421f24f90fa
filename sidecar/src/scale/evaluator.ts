/**
 * The periodic evaluation of every automatic target: each interval (NTMA_SCALE_EVAL_SECONDS,
 * default 15 s, like Kubernetes' HPA sync period) the predictive policy looks at each target that
 * is opted in, has `ntma.scale.auto` dry-run or on and a capacity model, on the watchers' state at
 * that moment. Alerts trigger the same evaluation in between. A tick that would start while the
 * previous one still runs (a slow engine) is skipped rather than queued.
 */
import type { Scaler } from './scaler.js';

export interface EvaluatorLogger {
  warn(context: object, message: string): void;
  info(context: object, message: string): void;
}

export class AutoEvaluator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly scaler: Scaler,
    private readonly intervalMs: number,
    private readonly logger: EvaluatorLogger,
  ) {}

  /** Starts the timer; an interval of 0 disables the periodic evaluation (alerts still trigger it). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass over every automatic target; errors are logged, never thrown (the next tick retries). */
  async tick(): Promise<void> {
    let targets: string[];
    try {
      targets = await this.scaler.autoTargets();
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
