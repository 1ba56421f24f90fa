import type Docker from 'dockerode';
import { Conflict, NotFound } from '../errors.js';
import type { ScaleBackend, Workload } from './backend.js';
import { dockerError, dockerMessageOf, dockerStatusOf } from './docker-errors.js';

const PREFIX = 'swarm:';
const STACK_LABEL = 'com.docker.stack.namespace';

export interface SwarmBackendOptions {
  docker: Docker;
  socket: string;
  /** Attempts when another writer bumped the service version between our read and our update. */
  maxAttempts?: number;
}

/** API 1.41 lists services with their task counts when asked (`status=true`). */
type ServiceWithStatus = Docker.Service & {
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
};

export function swarmId(service: string): string {
  return `${PREFIX}${service}`;
}

/** The engine is not a Swarm manager: no Swarm targets, which is not an error. */
function isNotSwarmManager(error: unknown): boolean {
  return dockerStatusOf(error) === 503 && /swarm/i.test(dockerMessageOf(error));
}

/** Another update won the race: the version we sent is no longer current. */
export function isVersionConflict(error: unknown): boolean {
  const status = dockerStatusOf(error);
  return (status === 409 || status === 500) && /out of sequence|version/i.test(dockerMessageOf(error));
}

/**
 * Docker Swarm services (the multi-host engine). The replica count lives in the service spec and
 * is changed with the version read alongside it, so two writers can never silently overwrite each
 * other: a stale version is refused by the engine, and we re-read and retry.
 */
export class SwarmBackend implements ScaleBackend {
  readonly kind = 'swarm' as const;
  private readonly maxAttempts: number;

  constructor(private readonly options: SwarmBackendOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  owns(id: string): boolean {
    return id.startsWith(PREFIX);
  }

  private fail(error: unknown, what: string): never {
    throw dockerError(error, this.options.socket, what);
  }

  private toWorkload(service: ServiceWithStatus): Workload | undefined {
    const spec = service.Spec;
    const replicas = spec?.Mode?.Replicated?.Replicas;
    // Global services run one task per node; they have no replica count to scale.
    if (!spec?.Name || replicas === undefined) return undefined;
    const labels = { ...(spec.Labels ?? {}) };
    const workload: Workload = {
      id: swarmId(spec.Name),
      backend: 'swarm',
      service: spec.Name,
      labels,
      desired: replicas,
      running: service.ServiceStatus?.RunningTasks ?? 0,
    };
    if (labels[STACK_LABEL]) workload.group = labels[STACK_LABEL];
    return workload;
  }

  private async services(filters: Record<string, string[]>, what: string): Promise<ServiceWithStatus[]> {
    try {
      const options = { filters, status: true } as Docker.ServiceListOptions;
      return (await this.options.docker.listServices(options)) as ServiceWithStatus[];
    } catch (error) {
      if (isNotSwarmManager(error)) return [];
      return this.fail(error, what);
    }
  }

  async list(): Promise<Workload[]> {
    const services = await this.services({}, 'listing Swarm services');
    return services.map((s) => this.toWorkload(s)).filter((w): w is Workload => w !== undefined);
  }

  async inspect(id: string): Promise<Workload | undefined> {
    if (!this.owns(id)) return undefined;
    const name = id.slice(PREFIX.length);
    // The name filter matches prefixes, so the exact name is picked out here.
    const services = await this.services({ name: [name] }, `reading Swarm service ${name}`);
    const service = services.find((s) => s.Spec?.Name === name);
    return service && this.toWorkload(service);
  }

  async setReplicas(id: string, replicas: number): Promise<Workload> {
    const name = id.slice(PREFIX.length);
    const handle = this.options.docker.getService(name);
    for (let attempt = 1; ; attempt += 1) {
      let service: Docker.Service;
      try {
        service = await handle.inspect();
      } catch (error) {
        if (isNotSwarmManager(error)) throw new NotFound(`target ${id}: this engine is not a Swarm manager`);
        return this.fail(error, `reading Swarm service ${name}`);
      }
      const spec = service.Spec;
      if (!spec?.Mode?.Replicated) throw new Conflict(`target ${id} is a global-mode service; it has no replica count`);
      if (spec.Mode.Replicated.Replicas === replicas) break;
      const version = service.Version?.Index;
      try {
        await handle.update({
          _query: { version },
          _body: { ...spec, Mode: { Replicated: { Replicas: replicas } } },
        });
        break;
      } catch (error) {
        if (!isVersionConflict(error) || attempt >= this.maxAttempts) {
          return this.fail(error, `updating Swarm service ${name} to ${replicas} replicas`);
        }
        // Someone else updated the service between our read and write: re-read and try again.
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
    const after = await this.inspect(id);
    if (!after) throw new NotFound(`target ${id} vanished while scaling`);
    return after;
  }
}
