import type { IncomingHttpHeaders } from 'node:http';

/** Longer header values are cut: a source is an address or a short name, never a payload. */
const MAX_SOURCE_LENGTH = 64;

/**
 * Who sent a request, for the distinct-sources estimate: `X-Source`, else the first address in
 * `X-Forwarded-For`, else the peer address. The demo trusts these headers because its traffic
 * generator plays many clients from one host; a real service would trust them only from its own
 * proxies.
 */
export function sourceOf(headers: IncomingHttpHeaders, remoteAddress: string | undefined): string {
  const explicit = first(headers['x-source']);
  if (explicit) return explicit;
  const forwarded = first(headers['x-forwarded-for'])?.split(',')[0]?.trim();
  if (forwarded) return forwarded.slice(0, MAX_SOURCE_LENGTH);
  return remoteAddress ?? 'unknown';
}

function first(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  const trimmed = raw?.trim();
  return trimmed ? trimmed.slice(0, MAX_SOURCE_LENGTH) : undefined;
}
