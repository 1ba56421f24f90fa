/**
 * What a Compose clone may not gain over the replica it is measured against (the service's oldest
 * replica). Scaling out must only ever add more of what the operator already runs: a clone with
 * extra privileges, devices, capabilities, host namespaces or host paths would let whoever can
 * label one container escalate through the sidecar's Docker socket.
 */

/** The security-relevant part of a container's host config, as the Engine API spells it. */
export interface GuardedHostConfig {
  Privileged?: boolean | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Devices?: Array<{ PathOnHost?: string; PathInContainer?: string }> | null;
  DeviceRequests?: unknown[] | null;
  DeviceCgroupRules?: string[] | null;
  Binds?: string[] | null;
  Mounts?: Array<{ Type?: string; Source?: string; Target?: string }> | null;
  VolumesFrom?: string[] | null;
  NetworkMode?: string | null;
  PidMode?: string | null;
  IpcMode?: string | null;
  UTSMode?: string | null;
  UsernsMode?: string | null;
  CgroupnsMode?: string | null;
  SecurityOpt?: string[] | null;
  ReadonlyRootfs?: boolean | null;
  GroupAdd?: string[] | null;
}

export interface GuardedConfig {
  /** Config.User: a different user (root instead of an unprivileged one) is a gain. */
  User?: string | null;
  HostConfig: GuardedHostConfig;
}

const list = <T>(value: T[] | null | undefined): T[] => value ?? [];

/** Items of `clone` missing from `reference`, compared by `key`. */
function added<T>(
  clone: T[] | null | undefined,
  reference: T[] | null | undefined,
  key: (item: T) => string,
): string[] {
  const have = new Set(list(reference).map(key));
  return list(clone)
    .map(key)
    .filter((k) => !have.has(k));
}

/** A namespace mode that shares the host's (or another container's) namespace. */
function sharesNamespace(mode: string | null | undefined): boolean {
  return mode === 'host' || (mode ?? '').startsWith('container:');
}

/** The host path a bind string (`/src:/dst[:opts]`) mounts; named volumes are not host paths. */
function bindSource(bind: string): string | undefined {
  const source = bind.split(':')[0] ?? '';
  return source.startsWith('/') ? source : undefined;
}

/**
 * Everything `clone` would gain over `reference`, one message per gain (empty when nothing): the
 * caller refuses the clone when this is not empty.
 */
export function privilegesGained(clone: GuardedConfig, reference: GuardedConfig): string[] {
  const c = clone.HostConfig;
  const r = reference.HostConfig;
  const gains: string[] = [];
  if (c.Privileged === true && r.Privileged !== true) gains.push('privileged mode');
  for (const cap of added(c.CapAdd, r.CapAdd, (x) => x.toUpperCase())) gains.push(`capability ${cap}`);
  for (const cap of added(r.CapDrop, c.CapDrop, (x) => x.toUpperCase())) gains.push(`capability ${cap} (not dropped)`);
  for (const dev of added(c.Devices, r.Devices, (d) => d.PathOnHost ?? '')) gains.push(`device ${dev}`);
  for (const req of added(c.DeviceRequests, r.DeviceRequests, (d) => JSON.stringify(d)))
    gains.push(`device request ${req}`);
  for (const rule of added(c.DeviceCgroupRules, r.DeviceCgroupRules, (x) => x))
    gains.push(`device cgroup rule ${rule}`);
  const hostPaths = (h: GuardedHostConfig): string[] => [
    ...list(h.Binds).flatMap((b) => bindSource(b) ?? []),
    ...list(h.Mounts).flatMap((m) => (m.Type === 'bind' && m.Source ? [m.Source] : [])),
  ];
  for (const path of added(hostPaths(c), hostPaths(r), (x) => x)) gains.push(`host path ${path}`);
  for (const from of added(c.VolumesFrom, r.VolumesFrom, (x) => x)) gains.push(`volumes from ${from}`);
  const namespaces = ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode'] as const;
  for (const ns of namespaces) {
    if (sharesNamespace(c[ns]) && c[ns] !== r[ns]) gains.push(`${ns} ${c[ns] ?? ''}`);
  }
  for (const opt of added(c.SecurityOpt, r.SecurityOpt, (x) => x)) gains.push(`security option ${opt}`);
  if (r.ReadonlyRootfs === true && c.ReadonlyRootfs !== true) gains.push('a writable root filesystem');
  for (const group of added(c.GroupAdd, r.GroupAdd, (x) => x)) gains.push(`group ${group}`);
  if ((clone.User ?? '') !== (reference.User ?? '')) {
    gains.push(`user "${clone.User ?? ''}" instead of "${reference.User ?? ''}"`);
  }
  return gains;
}
