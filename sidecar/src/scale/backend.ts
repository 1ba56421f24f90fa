/**
 * What the scaler needs from an orchestrator. Two implementations today (Compose containers on
 * one host, Swarm services); a Kubernetes Deployment backend fits the same shape: `list` reads
 * Deployments with their labels, `inspect` reads one, `setReplicas` patches the `scale`
 * subresource with the resourceVersion it read (optimistic concurrency, like Swarm's version).
 */

export type BackendKind = 'compose' | 'swarm';

/** A scalable workload as one backend sees it right now. */
export interface Workload {
  /** Stable id, prefixed with the backend: `compose:<project>:<service>`, `swarm:<service>`. */
  id: string;
  backend: BackendKind;
  /** Service name. */
  service: string;
  /** Compose project or Swarm stack namespace, when there is one. */
  group?: string;
  /** Labels that carry opt-in and limits (`ntma.scale.*`); Compose: the oldest replica's. */
  labels: Record<string, string>;
  /**
   * Why the workload cannot be scaled as one, whatever its labels say (Compose: its replicas
   * disagree on an `ntma.scale.*` label). The scaler refuses it and `GET targets` shows this.
   */
  labelConflict?: string;
  /** Replicas the orchestrator is asked to run (Compose: containers of the service, any state). */
  desired: number;
  /** Replicas running now. */
  running: number;
}

export interface ScaleBackend {
  readonly kind: BackendKind;
  /** True when `id` is in this backend's id space (its prefix). */
  owns(id: string): boolean;
  /** Every workload this backend can see, opted in or not. */
  list(): Promise<Workload[]>;
  /** One workload, or undefined when it does not exist (any more). */
  inspect(id: string): Promise<Workload | undefined>;
  /**
   * Makes the workload's desired replica count `replicas` and returns its state afterwards.
   * Callers serialise calls per id; implementations still re-read state, never trust a cached one.
   */
  setReplicas(id: string, replicas: number): Promise<Workload>;
}
