import axios from 'axios';
import type { ReadinessCheck } from '../routes/health.js';

/** Readiness of the configured Prometheus: its own /-/ready endpoint must answer 200. */
export function prometheusReadiness(baseUrl: string, timeoutMs: number): ReadinessCheck {
  return {
    name: 'prometheus',
    target: baseUrl,
    async check() {
      try {
        await axios.get(`${baseUrl}/-/ready`, { timeout: Math.min(timeoutMs, 5000), responseType: 'text' });
      } catch (error) {
        if (axios.isAxiosError(error)) {
          const detail = error.response ? `HTTP ${error.response.status}` : (error.code ?? error.message);
          throw new Error(`not reachable (${detail})`);
        }
        throw error;
      }
    },
  };
}
