import { BadRequest, LimitExceeded } from '../errors.js';
import type { ScaleLimits } from './labels.js';

/** A manual request: an absolute replica count or a relative change, exactly one of them. */
export interface ManualChange {
  replicas?: number;
  delta?: number;
}

/**
 * Whether a manual request says what it wants: exactly one of `replicas` and `delta`, and a delta that changes
 * something (BadRequest otherwise). Needs no engine, so a malformed request is told so even while Docker is away.
 */
export function checkManualChange(change: ManualChange): void {
  const hasReplicas = change.replicas !== undefined;
  const hasDelta = change.delta !== undefined;
  if (hasReplicas === hasDelta) {
    throw new BadRequest('give exactly one of "replicas" (absolute) or "delta" (relative)', 'replicas');
  }
  if (hasDelta && change.delta === 0) throw new BadRequest('must not be 0', 'delta');
}

/**
 * The replica count a manual request asks for. Requests beyond the target's limits are REFUSED
 * (LimitExceeded, HTTP 409), never clamped: a person pressing a button should learn that the
 * limit stopped them rather than see a smaller change than asked for. Only the automatic policy
 * clamps (see policy.ts), because nobody is there to re-ask.
 */
export function resolveManualChange(current: number, change: ManualChange, limits: ScaleLimits): number {
  checkManualChange(change);
  const hasReplicas = change.replicas !== undefined;
  const field = hasReplicas ? 'replicas' : 'delta';
  const desired = hasReplicas ? (change.replicas as number) : current + (change.delta as number);
  if (desired > limits.max) {
    throw new LimitExceeded(
      `${field}: ${desired} replicas is above the target's max ${limits.max} (now ${current}); nothing was changed`,
    );
  }
  if (desired < limits.min) {
    throw new LimitExceeded(
      `${field}: ${desired} replicas is below the target's min ${limits.min} (now ${current}); nothing was changed`,
    );
  }
  return desired;
}
