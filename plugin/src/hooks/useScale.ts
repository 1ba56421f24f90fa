import { useCallback, useEffect, useRef, useState } from 'react';
import { scaleTarget } from '../api/client';
import { toSidecarError, type SidecarError } from '../api/http';
import type { ScaleRequest, ScaleResult } from '@ntma/contract';

export type ScaleOutcome =
  | { state: 'idle' }
  | { state: 'running'; target: string }
  | { state: 'done'; target: string; result: ScaleResult }
  | { state: 'failed'; target: string; error: SidecarError };

/**
 * One scale request at a time from one control. The idempotency key is the caller's: it is made when the
 * confirmation opens, so a second click on the same confirmation cannot act twice.
 */
export function useScale(onDone?: (result: ScaleResult) => void) {
  const [outcome, setOutcome] = useState<ScaleOutcome>({ state: 'idle' });
  const running = useRef(false);
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  }, [onDone]);

  const scale = useCallback(async (target: string, change: ScaleRequest, idempotencyKey: string) => {
    if (running.current) {
      return;
    }
    running.current = true;
    setOutcome({ state: 'running', target });
    try {
      const result = await scaleTarget(target, change, idempotencyKey);
      setOutcome({ state: 'done', target, result });
      onDoneRef.current?.(result);
    } catch (error) {
      setOutcome({ state: 'failed', target, error: toSidecarError(error) });
    } finally {
      running.current = false;
    }
  }, []);

  const reset = useCallback(() => setOutcome({ state: 'idle' }), []);
  return { outcome, scale, reset };
}
