import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError, type BackendSrvRequest } from '@grafana/runtime';
import { SIDECAR_PROXY_URL } from '../constants';

/** What went wrong talking to the sidecar, in words an operator can act on. */
export class SidecarError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when no answer came back. */
    readonly status: number,
    /** The sidecar's machine-readable code (e.g. LIMIT_EXCEEDED), when it sent one. */
    readonly code?: string,
    /** The answer's body as received, for callers that read more than the message. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'SidecarError';
  }
}

interface ErrorBody {
  message?: unknown;
  code?: unknown;
  error?: unknown;
}

function describe(status: number, data: unknown, fallback: string): { message: string; code?: string } {
  const body = (typeof data === 'object' && data !== null ? data : {}) as ErrorBody;
  const code = typeof body.code === 'string' ? body.code : undefined;
  if (typeof body.message === 'string' && body.message !== '') {
    return { message: body.message, code };
  }
  if (status === 502 || status === 503 || status === 504) {
    return { message: `the sidecar is not reachable through Grafana (HTTP ${status}); check the sidecar URL`, code };
  }
  return { message: fallback, code };
}

/** Turns whatever getBackendSrv().fetch rejected with into a SidecarError. */
export function toSidecarError(error: unknown): SidecarError {
  if (error instanceof SidecarError) {
    return error;
  }
  if (isFetchError(error)) {
    const fallback = `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
    const { message, code } = describe(error.status, error.data, fallback);
    return new SidecarError(message, error.status, code, error.data);
  }
  return new SidecarError(error instanceof Error ? error.message : String(error), 0);
}

/**
 * One request through Grafana's backend service. Errors are not shown as Grafana toasts (the caller shows them
 * where the user acted) and come back as SidecarError.
 */
export async function request<T>(options: BackendSrvRequest): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ showErrorAlert: false, showSuccessAlert: false, ...options }),
    );
    return response.data;
  } catch (error) {
    throw toSidecarError(error);
  }
}

/** A request to the sidecar through the app's proxy route; `path` starts with a slash. */
export function sidecar<T>(path: string, options: Omit<BackendSrvRequest, 'url'> = {}): Promise<T> {
  return request<T>({ ...options, url: `${SIDECAR_PROXY_URL}${path}` });
}
