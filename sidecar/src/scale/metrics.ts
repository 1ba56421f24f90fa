import { Counter } from 'prom-client';

/** Every way a scale request can end; bounded, so the label stays cheap. */
export type ScaleResultLabel = 'applied' | 'dry_run' | 'noop' | 'refused' | 'held' | 'failed';

export const SCALE_ACTIONS_METRIC = 'ntma_scale_actions_total';

/** Created unregistered; the app registers it in its own registry (Services.registry). */
export function createScaleMetrics(): Counter<'result'> {
  return new Counter({
    name: SCALE_ACTIONS_METRIC,
    help:
      'Scale requests (manual and automatic) by how they ended: applied, dry_run (recorded only), noop ' +
      '(already there), refused (limits, opt-in), held (automatic policy) or failed.',
    labelNames: ['result'],
    registers: [],
  });
}
