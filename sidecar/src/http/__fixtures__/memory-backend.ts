/** An in-memory orchestrator for API-level tests: scale requests run the whole scaler and audit path. */
import { NotFound } from '../../errors.js';
import type { ScaleBackend, Workload } from '../../scale/backend.js';

export class MemoryBackend implements ScaleBackend {
  readonly kind = 'swarm' as const;
  private readonly workloads = new Map<string, Workload>();

  constructor(services: Array<{ service: string; replicas: number; labels: Record<string, string> }>) {
    for (const { service, replicas, labels } of services) {
      const id = `swarm:${service}`;
      this.workloads.set(id, { id, backend: 'swarm', service, labels, desired: replicas, running: replicas });
    }
  }

  owns(id: string): boolean {
    return id.startsWith('swarm:');
  }

  async list(): Promise<Workload[]> {
    return [...this.workloads.values()].map((w) => ({ ...w }));
  }

  async inspect(id: string): Promise<Workload | undefined> {
    const w = this.workloads.get(id);
    return w && { ...w };
  }

  async setReplicas(id: string, replicas: number): Promise<Workload> {
    const w = this.workloads.get(id);
    if (!w) throw new NotFound(`no target ${id}`);
    w.desired = replicas;
    w.running = replicas;
    return { ...w };
  }
}
