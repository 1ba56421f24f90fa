import type Docker from 'dockerode';
import { Conflict, NotFound } from '../errors.js';
import type { ScaleBackend, Workload } from './backend.js';
import { privilegesGained } from './clone-guard.js';
import { dockerError, dockerStatusOf } from './docker-errors.js';
import { readScaleLabels, scaleLabelConflict } from './labels.js';

/** The labels Docker Compose puts on the containers it creates. */
export const COMPOSE_LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
} as const;

const PREFIX = 'compose:';

export interface ComposeBackendOptions {
  docker: Docker;
  /** For messages: where the engine was expected. */
  socket: string;
  /** Stop grace period when the container does not set its own StopTimeout. */
  stopGraceSeconds: number;
}

type InspectConfig = Docker.ContainerInspectInfo['Config'] & { StopSignal?: string; StopTimeout?: number };

/** Container states that no longer count as a replica. */
const GONE_STATES = new Set(['removing', 'dead']);

function numberOf(container: Docker.ContainerInfo): number {
  const n = Number(container.Labels[COMPOSE_LABEL.number]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * Oldest first: by the engine's creation time, then container number (an unnumbered container
 * last), then id. Creation time leads because the engine sets it; a container number is a label
 * anyone creating a container can choose, so it must not make a newcomer the oldest replica.
 */
function byAge(a: Docker.ContainerInfo, b: Docker.ContainerInfo): number {
  const rank = (c: Docker.ContainerInfo): number => numberOf(c) || Number.MAX_SAFE_INTEGER;
  return a.Created - b.Created || rank(a) - rank(b) || a.Id.localeCompare(b.Id);
}

function nameOf(container: Docker.ContainerInfo): string {
  return container.Names[0]?.replace(/^\//, '') ?? container.Id.slice(0, 12);
}

/** Why these replicas (oldest first) cannot be scaled as one, if they cannot. */
function conflictOf(sorted: Docker.ContainerInfo[]): string | undefined {
  return scaleLabelConflict(sorted.map((c) => ({ name: nameOf(c), labels: c.Labels })));
}

export function composeId(project: string, service: string): string {
  return `${PREFIX}${project}:${service}`;
}

function parseComposeId(id: string): { project: string; service: string } | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  const rest = id.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { project: rest.slice(0, colon), service: rest.slice(colon + 1) };
}

/**
 * Docker Compose services on one host, driven through the Engine API the way `docker compose up
 * --scale` would: replicas are containers carrying the project/service labels. A service is one
 * target only while all its replicas carry the same `ntma.scale.*` labels (else it is reported with
 * the conflict and refused). Scaling out clones the oldest replica's inspected configuration under
 * the next container number, and refuses a clone that would gain any privilege the oldest lacks;
 * scaling in stops (with a grace period) and removes the newest opted-in replicas first.
 */
export class ComposeBackend implements ScaleBackend {
  readonly kind = 'compose' as const;

  constructor(private readonly options: ComposeBackendOptions) {}

  owns(id: string): boolean {
    return id.startsWith(PREFIX);
  }

  private fail(error: unknown, what: string): never {
    throw dockerError(error, this.options.socket, what);
  }

  private async containers(labelFilters: string[], what: string): Promise<Docker.ContainerInfo[]> {
    try {
      const all = await this.options.docker.listContainers({ all: true, filters: { label: labelFilters } });
      return all.filter((c) => c.Labels[COMPOSE_LABEL.oneoff] !== 'True' && !GONE_STATES.has(c.State));
    } catch (error) {
      return this.fail(error, what);
    }
  }

  private workload(project: string, service: string, replicas: Docker.ContainerInfo[]): Workload {
    const sorted = [...replicas].sort(byAge);
    const workload: Workload = {
      id: composeId(project, service),
      backend: 'compose',
      service,
      group: project,
      labels: { ...(sorted[0]?.Labels ?? {}) },
      desired: sorted.length,
      running: sorted.filter((c) => c.State === 'running').length,
    };
    // A disagreement among replicas none of which opted in concerns no target: it is not listed.
    const conflict = conflictOf(sorted);
    if (conflict !== undefined && sorted.some((c) => readScaleLabels(c.Labels).settings.enabled)) {
      workload.labelConflict = conflict;
    }
    return workload;
  }

  async list(): Promise<Workload[]> {
    const containers = await this.containers([COMPOSE_LABEL.project, COMPOSE_LABEL.service], 'listing containers');
    const groups = new Map<string, { project: string; service: string; replicas: Docker.ContainerInfo[] }>();
    for (const container of containers) {
      const project = container.Labels[COMPOSE_LABEL.project] ?? '';
      const service = container.Labels[COMPOSE_LABEL.service] ?? '';
      const id = composeId(project, service);
      const group = groups.get(id) ?? { project, service, replicas: [] };
      group.replicas.push(container);
      groups.set(id, group);
    }
    return [...groups.values()].map((g) => this.workload(g.project, g.service, g.replicas));
  }

  private replicasOf(project: string, service: string): Promise<Docker.ContainerInfo[]> {
    return this.containers(
      [`${COMPOSE_LABEL.project}=${project}`, `${COMPOSE_LABEL.service}=${service}`],
      `listing the containers of ${composeId(project, service)}`,
    ).then((list) => list.sort(byAge));
  }

  async inspect(id: string): Promise<Workload | undefined> {
    const parsed = parseComposeId(id);
    if (!parsed) return undefined;
    const replicas = await this.replicasOf(parsed.project, parsed.service);
    return replicas.length === 0 ? undefined : this.workload(parsed.project, parsed.service, replicas);
  }

  async setReplicas(id: string, replicas: number): Promise<Workload> {
    const parsed = parseComposeId(id);
    if (!parsed) throw new NotFound(`target ${id} is not a Compose target id`);
    const { project, service } = parsed;
    const current = await this.replicasOf(project, service);
    if (current.length === 0) throw new NotFound(`target ${id} has no containers any more`);
    // Re-checked on the state we act on: a container may have joined since the scaler admitted it.
    const conflict = conflictOf(current);
    if (conflict !== undefined) throw new Conflict(`target ${id} is not scalable: ${conflict}`);
    if (replicas > current.length) await this.scaleOut(project, service, current, replicas - current.length);
    if (replicas < current.length) {
      const optedIn = current.filter((c) => readScaleLabels(c.Labels).settings.enabled);
      const excess = current.length - replicas;
      if (optedIn.length < excess) {
        throw new Conflict(
          `target ${id}: only ${optedIn.length} of its ${current.length} replicas opted in to scaling; cannot remove ${excess}`,
        );
      }
      await this.scaleIn(optedIn.slice(optedIn.length - excess).reverse());
    }
    const after = await this.replicasOf(project, service);
    return this.workload(project, service, after);
  }

  private async scaleOut(
    project: string,
    service: string,
    current: Docker.ContainerInfo[],
    count: number,
  ): Promise<void> {
    // The oldest replica is the one the operator started; a newer one may be anything that
    // carries the service's labels, so it is never what new replicas are made from.
    const oldest = current[0] as Docker.ContainerInfo;
    let template: Docker.ContainerInspectInfo;
    try {
      template = await this.options.docker.getContainer(oldest.Id).inspect();
    } catch (error) {
      return this.fail(error, `inspecting ${nameOf(oldest)}, the oldest replica`);
    }
    const first = Math.max(...current.map(numberOf)) + 1;
    const numbers = Array.from({ length: count }, (_, i) => first + i);
    const results = await Promise.allSettled(numbers.map((n) => this.createReplica(project, service, template, n)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Clones `template` as replica number `n` and starts it; a replica that fails to start is removed. */
  private async createReplica(
    project: string,
    service: string,
    template: Docker.ContainerInspectInfo,
    n: number,
  ): Promise<void> {
    const docker = this.options.docker;
    const config = template.Config as InspectConfig;
    const name = `${project}-${service}-${n}`;
    const networkMode = template.HostConfig.NetworkMode ?? 'default';
    const networks = Object.entries(template.NetworkSettings.Networks ?? {});
    // Host, none, container:<id> and the default bridge need no endpoint settings; user-defined
    // networks do, to keep the service's DNS alias (but not the old container's own aliases).
    const shortId = template.Id.slice(0, 12);
    const ownName = template.Name.replace(/^\//, '');
    const aliasesOf = (aliases: unknown): string[] =>
      (Array.isArray(aliases) ? (aliases as string[]) : []).filter((a) => a !== shortId && a !== ownName);
    const userNetworks = networks.filter(
      ([net]) => !['host', 'none', 'bridge', 'default'].includes(net) && !networkMode.startsWith('container:'),
    );
    const primary = userNetworks.find(([net]) => net === networkMode) ?? userNetworks[0];
    const options: Docker.ContainerCreateOptions = {
      name,
      Image: config.Image,
      Cmd: config.Cmd,
      Entrypoint: config.Entrypoint,
      Env: config.Env,
      WorkingDir: config.WorkingDir,
      User: config.User,
      Labels: { ...config.Labels, [COMPOSE_LABEL.number]: String(n) },
      ExposedPorts: config.ExposedPorts,
      Volumes: config.Volumes,
      Healthcheck: config.Healthcheck,
      StopSignal: config.StopSignal,
      StopTimeout: config.StopTimeout,
      Tty: config.Tty,
      OpenStdin: config.OpenStdin,
      StdinOnce: config.StdinOnce,
      HostConfig: template.HostConfig,
    };
    // The clone is built from the oldest replica, so this holds today; it is checked on what is
    // really sent so that no change to how clones are built can widen what a replica may do.
    const gains = privilegesGained(
      { User: options.User ?? null, HostConfig: options.HostConfig ?? {} },
      { User: config.User, HostConfig: template.HostConfig },
    );
    if (gains.length > 0) {
      throw new Conflict(
        `refusing to create replica ${name}: it would gain ${gains.join(', ')} over ${ownName}, the oldest replica`,
      );
    }
    if (primary) {
      const [net, settings] = primary;
      options.NetworkingConfig = { EndpointsConfig: { [net]: { Aliases: aliasesOf(settings.Aliases) } } };
    }
    let container: Docker.Container;
    try {
      container = await docker.createContainer(options);
    } catch (error) {
      return this.fail(error, `creating replica ${name}`);
    }
    try {
      // API 1.41 attaches one network at creation; the rest are connected before start.
      for (const [net, settings] of userNetworks) {
        if (net === primary?.[0]) continue;
        await docker
          .getNetwork(net)
          .connect({ Container: container.id, EndpointConfig: { Aliases: aliasesOf(settings.Aliases) } });
      }
      await container.start();
    } catch (error) {
      // A replica that never ran is removed, so the count stays what was really achieved.
      await container.remove({ force: true }).catch(() => undefined);
      return this.fail(error, `starting replica ${name}`);
    }
  }

  /** Stops the given replicas in parallel, each with its grace period, then removes them. */
  private async scaleIn(victims: Docker.ContainerInfo[]): Promise<void> {
    const results = await Promise.allSettled(victims.map((v) => this.stopAndRemove(v)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private async stopAndRemove(victim: Docker.ContainerInfo): Promise<void> {
    const container = this.options.docker.getContainer(victim.Id);
    const name = nameOf(victim);
    let grace = this.options.stopGraceSeconds;
    try {
      const info = await container.inspect();
      grace = (info.Config as InspectConfig).StopTimeout ?? grace;
    } catch (error) {
      if (dockerStatusOf(error) === 404) return;
      this.fail(error, `inspecting replica ${name}`);
    }
    try {
      await container.stop({ t: grace });
    } catch (error) {
      const status = dockerStatusOf(error);
      // 304: already stopped; 404: someone else removed it. Both leave the outcome we want.
      if (status === 404) return;
      if (status !== 304) this.fail(error, `stopping replica ${name}`);
    }
    try {
      await container.remove({ v: false });
    } catch (error) {
      const status = dockerStatusOf(error);
      // 409 "removal already in progress" ends the same way.
      if (status !== 404 && status !== 409) this.fail(error, `removing replica ${name}`);
    }
  }
}
