import type { ScaleLimits, ScaleRequest } from '@ntma/contract';

export type ReplicaChange = Pick<ScaleRequest, 'replicas' | 'delta'>;

/** The verb for a change: out (more replicas), in (fewer) or set. */
export function verbOf(change: ReplicaChange, current?: number): 'Scale out' | 'Scale in' | 'Set replicas' {
  if (change.delta !== undefined) {
    return change.delta > 0 ? 'Scale out' : 'Scale in';
  }
  if (current !== undefined && change.replicas !== undefined) {
    if (change.replicas > current) {
      return 'Scale out';
    }
    if (change.replicas < current) {
      return 'Scale in';
    }
  }
  return 'Set replicas';
}

/** The replica count a change aims at, when the current one is known. */
export function targetReplicas(change: ReplicaChange, current?: number): number | undefined {
  if (change.replicas !== undefined) {
    return change.replicas;
  }
  return current === undefined || change.delta === undefined ? undefined : current + change.delta;
}

/** "2 → 3 replicas", or the relative change when the current count is unknown. */
export function describeChange(change: ReplicaChange, current?: number): string {
  const after = targetReplicas(change, current);
  if (current !== undefined && after !== undefined) {
    return `${current} → ${after} replica${after === 1 ? '' : 's'}`;
  }
  if (change.replicas !== undefined) {
    return `to ${change.replicas} replica${change.replicas === 1 ? '' : 's'}`;
  }
  const delta = change.delta ?? 0;
  return `${delta > 0 ? '+' : '−'}${Math.abs(delta)} replica${Math.abs(delta) === 1 ? '' : 's'}`;
}

/** Why the change cannot be made, known before asking (the sidecar checks again and refuses with 409). */
export function limitProblem(
  change: ReplicaChange,
  current: number | undefined,
  limits?: ScaleLimits,
): string | undefined {
  const after = targetReplicas(change, current);
  if (after === undefined || !limits) {
    return undefined;
  }
  if (after > limits.max) {
    return `${after} is above the target's maximum of ${limits.max}`;
  }
  if (after < limits.min) {
    return `${after} is below the target's minimum of ${limits.min}`;
  }
  return undefined;
}
