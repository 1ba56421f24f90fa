/**
 * What a browser test drives: Prometheus (on backfilled history, or empty), the sidecar in-process, the harness
 * page server between them and Chromium. Started together, closed together in reverse order.
 */
import type { Browser } from 'playwright-core';
import { backfill, cleanBackfill, type KnownSeries } from '../support/backfill.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus, type StartOptions } from '../support/prometheus.js';
import { startSidecar, TEST_TOKEN, type RunningSidecar } from '../support/sidecar.js';
import { launchChromium } from './browser.js';
import { buildHarness } from './build.js';
import { startHarnessServer, type RunningHarness } from './server.js';

export interface BrowserStack {
  prom: RunningPrometheus;
  sidecar: RunningSidecar;
  harness: RunningHarness;
  browser: Browser;
  close(): Promise<void>;
}

export interface BrowserStackOptions {
  prometheus?: StartOptions;
  /** Sidecar environment beyond PROMETHEUS_URL. */
  sidecarEnv?: Record<string, string>;
  sidecarOptions?: Parameters<typeof startSidecar>[1];
  /** The Grafana user the harness proxy names. */
  user?: string;
}

export async function startBrowserStack(options: BrowserStackOptions = {}): Promise<BrowserStack> {
  const [dist, prom] = await Promise.all([buildHarness(), startPrometheus(options.prometheus)]);
  const sidecar = await startSidecar({ PROMETHEUS_URL: prom.url, ...options.sidecarEnv }, options.sidecarOptions);
  const harness = await startHarnessServer({
    dist,
    sidecarUrl: sidecar.url,
    apiToken: TEST_TOKEN,
    prometheusUrl: prom.url,
    ...(options.user ? { user: options.user } : {}),
  });
  const browser = await launchChromium();
  return {
    prom,
    sidecar,
    harness,
    browser,
    async close() {
      await browser.close();
      await harness.close();
      await sidecar.close();
      await prom.stop();
      cleanPrometheus(prom);
    },
  };
}

/**
 * The stack over a Prometheus backfilled with `series`; closing it also removes the history. Load shedding is off
 * by default: a browser test's fits on a busy 2-core machine would otherwise turn into 503s.
 */
export async function startBackfilledBrowserStack(
  series: KnownSeries[],
  options: Omit<BrowserStackOptions, 'prometheus'> = {},
): Promise<BrowserStack> {
  const data = await backfill(series);
  try {
    const stack = await startBrowserStack({
      ...options,
      prometheus: { storageDir: data.storageDir },
      sidecarEnv: { NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000', ...options.sidecarEnv },
    });
    return {
      ...stack,
      async close() {
        await stack.close();
        cleanBackfill(data);
      },
    };
  } catch (error) {
    cleanBackfill(data);
    throw error;
  }
}
