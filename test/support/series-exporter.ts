import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import { registerSeriesMetrics, type SeriesSample } from '../../sidecar/src/metrics/series-metrics.js';

export interface RunningSeriesExporter {
  /** host:port for a scrape job. */
  target: string;
  close(): Promise<void>;
}

/**
 * Serves the sidecar's own ntma_* exporter code on a loopback port, fed with whatever states the
 * test puts in `samples` instead of live watchers, so alert rules can be driven into known states.
 */
export async function serveSeriesSamples(samples: () => Iterable<SeriesSample>): Promise<RunningSeriesExporter> {
  const registry = new Registry();
  registerSeriesMetrics(registry).setSource(samples);
  const server = createServer((_request, response) => {
    void registry.metrics().then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    target: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
