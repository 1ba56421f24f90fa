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
  // What has started, to be stopped in reverse order: by close(), or here when a later part fails to start (a
  // Prometheus left running by a failed start outlived the test run).
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const [dist, prom] = await Promise.allSettled([buildHarness(), startPrometheus(options.prometheus)]);
    if (prom.status === 'fulfilled') {
      stops.push(async () => {
        await prom.value.stop();
        cleanPrometheus(prom.value);
      });
    }
    if (dist.status === 'rejected') throw dist.reason;
    if (prom.status === 'rejected') throw prom.reason;
    const sidecar = await startSidecar(
      { PROMETHEUS_URL: prom.value.url, ...options.sidecarEnv },
      options.sidecarOptions,
    );
    stops.push(() => sidecar.close());
    const harness = await startHarnessServer({
      dist: dist.value,
      sidecarUrl: sidecar.url,
      apiToken: TEST_TOKEN,
      prometheusUrl: prom.value.url,
      ...(options.user ? { user: options.user } : {}),
    });
    stops.push(() => harness.close());
    const browser = await launchChromium();
    stops.push(() => browser.close());
    return { prom: prom.value, sidecar, harness, browser, close: stopAll };
  } catch (error) {
    // The start's own error is the one to report; a part that will not stop cleanly is secondary.
    await stopAll().catch(() => undefined);
    throw error;
  }
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
