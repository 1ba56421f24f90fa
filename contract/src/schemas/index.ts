/**
 * `@ntma/contract/schemas`: the TypeBox schema of every HTTP body and answer, and of the panel's
 * options. The sidecar validates with them; other sides import the types from `@ntma/contract`.
 */
export * from './common.js';
export * from './bands.js';
export * from './audit.js';
export * from './targets.js';
export * from './anomalies.js';
export * from './watchers.js';
export * from './health.js';
export * from './alerts.js';
export * from './panel-options.js';
