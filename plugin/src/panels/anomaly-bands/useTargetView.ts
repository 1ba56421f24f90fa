import { useCallback } from 'react';
import { listTargets } from '../../api/client';
import type { TargetView } from '@ntma/contract';
import { type AsyncData, useAsyncData } from '../../hooks/useAsyncData';

/**
 * The linked target's replicas and limits, for the confirmation's before → after. Undefined target: nothing
 * is asked. A target the sidecar does not list resolves to undefined (the buttons still work and the sidecar
 * answers 404 with its own message).
 */
export function useTargetView(target: string | undefined): AsyncData<TargetView | undefined> {
  const load = useCallback(async () => {
    if (target === undefined) {
      return undefined;
    }
    return (await listTargets()).find((t) => t.id === target);
  }, [target]);
  return useAsyncData(load);
}
