/**
 * Whether a Host header names this machine's loopback interface: `localhost`, `127.x.x.x` or
 * `[::1]`, each with an optional port. A browser tricked by DNS rebinding sends the attacker's
 * name here, which is how the tokenless mode tells such requests apart.
 */
export function isLoopbackHost(header: string | undefined): boolean {
  if (header === undefined) return false;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(header.trim().toLowerCase());
  if (!match) return false;
  const name = match[1]!;
  if (name === 'localhost' || name === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
