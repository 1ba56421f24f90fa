import { DockerFailed, DockerUnavailable, NotFound, isDomainError, type DomainError } from '../errors.js';

/** Socket-level failures: the engine is not there (or not ours to talk to), as opposed to refusing. */
const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EACCES',
  'EPERM',
  'EPIPE',
  'ENOTSOCK',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

interface DockerishError {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

export function dockerStatusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as DockerishError).statusCode : undefined;
}

/** The engine's own message (dockerode wraps it in "(HTTP code N) ..."). */
export function dockerMessageOf(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as DockerishError;
  return (e.json?.message ?? e.message ?? String(error)).trim();
}

/**
 * Turns whatever dockerode threw into a domain error: unreachable -> DockerUnavailable naming the
 * socket (503), 404 -> NotFound (the target vanished), anything else -> DockerFailed (502) with
 * the engine's message. `what` says what was being done, for the message.
 */
export function dockerError(error: unknown, socket: string, what: string): DomainError {
  if (isDomainError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as DockerishError;
  if (e.statusCode === undefined && e.code !== undefined && UNREACHABLE_CODES.has(e.code)) {
    return new DockerUnavailable(`Docker Engine not reachable at ${socket} (${e.code}) while ${what}`);
  }
  if (e.statusCode === undefined && /socket hang up|timeout/i.test(e.message ?? '')) {
    return new DockerUnavailable(`Docker Engine at ${socket} stopped answering while ${what}`);
  }
  if (e.statusCode === 404) return new NotFound(`${what}: ${dockerMessageOf(error)}`);
  return new DockerFailed(`Docker Engine failed while ${what}: ${dockerMessageOf(error)}`);
}
