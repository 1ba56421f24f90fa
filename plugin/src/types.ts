/** The app's jsonData as saved through /api/plugins/<id>/settings. The token lives in secureJsonData. */
export interface AppSettings {
  /** Where Grafana's proxy route reaches the sidecar, e.g. http://sidecar:8787. */
  sidecarUrl?: string;
}
