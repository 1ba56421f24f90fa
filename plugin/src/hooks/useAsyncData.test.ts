import { act, renderHook, waitFor } from '@testing-library/react';
import { useAsyncData } from './useAsyncData';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useAsyncData', () => {
  it('loads, then reports the value', async () => {
    const load = () => Promise.resolve(42);
    const { result } = renderHook(() => useAsyncData(load));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.value).toBe(42));
    expect(result.current.loading).toBe(false);
  });

  it('drops an answer that arrives after a newer request started', async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const loaders = { a: () => first.promise, b: () => second.promise };
    const { result, rerender } = renderHook(({ load }) => useAsyncData(load), { initialProps: { load: loaders.a } });

    rerender({ load: loaders.b });
    await act(async () => second.resolve('new'));
    await act(async () => first.resolve('old'));

    expect(result.current.value).toBe('new');
  });

  it('keeps the last value and reports the error when a reload fails', async () => {
    let fail = false;
    const load = () => (fail ? Promise.reject(new Error('sidecar down')) : Promise.resolve('ok'));
    const { result } = renderHook(() => useAsyncData(load));
    await waitFor(() => expect(result.current.value).toBe('ok'));

    fail = true;
    act(() => result.current.reload());

    await waitFor(() => expect(result.current.error?.message).toBe('sidecar down'));
    expect(result.current.value).toBe('ok');
  });
});
