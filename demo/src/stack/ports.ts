/**
 * The one place that fixes the loopback ports of the native stack (`npm start`). The compose stack
 * uses the same numbers inside its containers, so a URL differs between the two only in its host.
 * `provisioning/prometheus/prometheus.native.yml` is generated from this file.
 */
export const NATIVE_PORTS = {
  prometheus: 9090,
  grafana: 3000,
  sidecar: 8787,
  alertmanager: 9093,
  nodeExporter: 9100,
  web: 8080,
  loadgenControl: 8089,
} as const;

export const LOOPBACK = '127.0.0.1';

/** Prometheus job names; the compose and native configs use the same ones so queries work on both. */
export const JOBS = {
  prometheus: 'prometheus',
  nodeExporter: 'node-exporter',
  cadvisor: 'cadvisor',
  sidecar: 'ntma-sidecar',
  web: 'web',
  loadgen: 'loadgen',
} as const;

/**
 * Jobs of the native stack alone: there Prometheus and Alertmanager evaluate and route the alert
 * rules, which Grafana does in the compose stack.
 */
export const NATIVE_ONLY_JOBS = {
  alertmanager: 'alertmanager',
} as const;

/** Scrape interval of both stacks: short, because a demo "day" lasts minutes. */
export const SCRAPE_INTERVAL_SECONDS = 5;
