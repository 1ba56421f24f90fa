import Docker from 'dockerode';
import { AuditLog } from '../audit/log.js';
import type { Config } from '../config.js';
import { ComposeBackend } from './compose-backend.js';
import { IdempotencyStore } from './idempotency.js';
import { Scaler, type ScaleResult } from './scaler.js';
import { SwarmBackend } from './swarm-backend.js';

/** The scaler as the app uses it: both Docker backends on the configured socket, state in the data dir. */
export function createScaler(config: Config): Scaler {
  const socket = config.dockerSocket;
  // An engine that stops answering must not hold a target's lock for ever; a stop may
  // legitimately take its grace period, so the timeout leaves room for it.
  const timeout = Math.max(120, config.scale.stopGraceSeconds + 60) * 1000;
  const docker = new Docker({ socketPath: socket, timeout });
  return new Scaler({
    backends: [
      new ComposeBackend({ docker, socket, stopGraceSeconds: config.scale.stopGraceSeconds }),
      new SwarmBackend({ docker, socket }),
    ],
    audit: new AuditLog(config.dataDir),
    idempotency: new IdempotencyStore<ScaleResult>(config.dataDir, config.scale.idempotencyTtlSeconds * 1000),
    autoDryRun: config.scale.autoDryRun,
    defaultAttackMax: config.scale.attackMax,
    staleAfterMs: config.scale.staleSeconds * 1000,
    evalIntervalMs: config.scale.evalSeconds * 1000,
  });
}
