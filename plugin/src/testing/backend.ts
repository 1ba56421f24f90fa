import { type Observable, of, throwError } from 'rxjs';
import type { BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

/** A fake answer: `status` >= 400 makes fetch error the way Grafana's backendSrv does. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
}

export type FakeRoute = FakeAnswer | ((request: BackendSrvRequest) => FakeAnswer);

/** Requests the fake backend received, in order, for assertions. */
export interface FakeBackend {
  fetch: jest.Mock<Observable<FetchResponse<unknown>>, [BackendSrvRequest]>;
  requests: BackendSrvRequest[];
}

export function fetchResponse<T>(request: BackendSrvRequest, body: T, status = 200): FetchResponse<T> {
  return {
    data: body,
    status,
    statusText: 'OK',
    ok: true,
    headers: new Headers(),
    redirected: false,
    type: 'basic',
    url: request.url,
    config: request,
  };
}

export function fetchError(request: BackendSrvRequest, status: number, body: unknown): FetchError {
  return { status, statusText: status >= 500 ? 'Server Error' : 'Client Error', data: body, config: request };
}

/**
 * A stand-in for getBackendSrv().fetch keyed by "METHOD /path" (the path without the query string). An
 * unknown route answers 404 so a test that forgot one fails loudly.
 */
export function fakeBackend(routes: Record<string, FakeRoute>): FakeBackend {
  const requests: BackendSrvRequest[] = [];
  const fetch = jest.fn((request: BackendSrvRequest) => {
    requests.push(request);
    const key = `${(request.method ?? 'GET').toUpperCase()} ${request.url.split('?')[0]}`;
    const route = routes[key];
    if (!route) {
      return throwError(() => fetchError(request, 404, { message: `no fake route ${key}` }));
    }
    const answer = typeof route === 'function' ? route(request) : route;
    const status = answer.status ?? 200;
    if (status >= 400) {
      return throwError(() => fetchError(request, status, answer.body));
    }
    return of(fetchResponse(request, answer.body, status));
  });
  return { fetch, requests };
}

let current: FakeBackend = fakeBackend({});

/** Installs the routes the mocked getBackendSrv() answers from, and returns the fake for assertions. */
export function installFakeBackend(routes: Record<string, FakeRoute>): FakeBackend {
  current = fakeBackend(routes);
  return current;
}

/**
 * The module factory for jest.mock('@grafana/runtime', ...): the real runtime with getBackendSrv() answered by
 * the fake installed with installFakeBackend. Usage:
 *   jest.mock('@grafana/runtime', () => jest.requireActual('../testing/backend').mockRuntime());
 */
export function mockRuntime() {
  return {
    ...jest.requireActual('@grafana/runtime'),
    getBackendSrv: () => ({ fetch: (options: BackendSrvRequest) => current.fetch(options) }),
  };
}
