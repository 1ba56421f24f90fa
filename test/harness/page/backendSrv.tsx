/*
 * The one Grafana service the plugin uses, getBackendSrv().fetch, implemented over window.fetch the way Grafana
 * does it: JSON in and out, `params` as the query string, and a FetchError-shaped rejection ({status, data})
 * for non-2xx answers. Installed with the real @grafana/runtime's setBackendSrv.
 */
import { Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchResponse } from '@grafana/runtime';

function withParams(url: string, params: BackendSrvRequest['params']): string {
  if (!params) {
    return url;
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) {
      query.append(name, String(value));
    }
  }
  const text = query.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const controller = new AbortController();
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.data !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.data);
    }
    fetch(withParams(options.url, options.params), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.abortSignal ?? controller.signal,
    })
      .then(async (response) => {
        const data = (await parse(response)) as T;
        if (!response.ok) {
          subscriber.error({ status: response.status, statusText: response.statusText, data, config: options });
          return;
        }
        subscriber.next({
          data,
          status: response.status,
          statusText: response.statusText,
          ok: response.ok,
          headers: response.headers,
          redirected: response.redirected,
          type: response.type,
          url: response.url,
          config: options,
        });
        subscriber.complete();
      })
      .catch((error: unknown) => subscriber.error({ status: 0, statusText: String(error), data: {}, config: options }));
    return () => controller.abort();
  });
}

export const harnessBackendSrv = {
  fetch: fetchObservable,
} as unknown as BackendSrv;
