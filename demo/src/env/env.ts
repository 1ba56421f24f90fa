/** Reading typed settings from the environment, with errors that name the variable to fix. */

export type Env = Record<string, string | undefined>;

/** A bad environment value; the message names the variable. */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'EnvError';
  }
}

export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A finite number in [min, max]; decimals allowed. */
export function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new EnvError(name, `expected a number, got "${raw}"`);
  }
  if (value < min || value > max) throw new EnvError(name, `expected ${min}..${max}, got ${value}`);
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = number(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new EnvError(name, `expected a whole number, got ${value}`);
  return value;
}

export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new EnvError(name, `expected true or false, got "${raw}"`);
}

/** An http(s) URL without a trailing slash, so paths can be appended. */
export function httpUrl(env: Env, name: string, fallback: string): URL {
  const raw = text(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnvError(name, `not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvError(name, `expected an http(s) URL, got "${raw}"`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
