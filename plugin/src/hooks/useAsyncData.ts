import { useCallback, useEffect, useState } from 'react';
import { toSidecarError, type SidecarError } from '../api/http';

export interface AsyncData<T> {
  value: T | undefined;
  error: SidecarError | undefined;
  /** True from the start of a request until it settles; the previous value stays readable meanwhile. */
  loading: boolean;
  /** Loads again, keeping the current value on screen until the new one arrives. */
  reload: () => void;
}

interface Settled<T> {
  request: string;
  value?: T;
  error?: SidecarError;
}

/**
 * Runs `load` on mount and whenever it changes identity, so `load` must be stable: a module-level function or a
 * useCallback over its inputs (an inline arrow would ask again on every render). An answer
 * that arrives after a newer request started, or after unmount, is dropped, so a slow old response never
 * overwrites a fresh one.
 */
export function useAsyncData<T>(load: () => Promise<T>): AsyncData<T> {
  const [generation, setGeneration] = useState(0);
  const [requests, setRequests] = useState<{ load: typeof load; id: number }>({ load, id: 0 });
  const [settled, setSettled] = useState<Settled<T>>();

  // A new `load` is a new request; numbering them lets `loading` be derived instead of set in the effect.
  let current = requests;
  if (requests.load !== load) {
    current = { load, id: requests.id + 1 };
    setRequests(current);
  }
  const request = `${current.id}.${generation}`;

  useEffect(() => {
    let stale = false;
    load().then(
      (value) => {
        if (!stale) {
          setSettled({ request, value });
        }
      },
      (error: unknown) => {
        if (!stale) {
          setSettled((previous) => ({ request, value: previous?.value, error: toSidecarError(error) }));
        }
      },
    );
    return () => {
      stale = true;
    };
  }, [load, request]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return {
    value: settled?.value,
    error: settled?.request === request ? settled.error : undefined,
    loading: settled?.request !== request,
    reload,
  };
}
