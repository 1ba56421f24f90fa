import type { Labels } from '@ntma/contract';

/**
 * A series' name as Grafana's Prometheus data source writes it: the legend format with {{label}} filled in,
 * else metric{label="value", ...}, else the expression itself.
 */
export function seriesName(labels: Labels, legendFormat: string | undefined, expr: string): string {
  const legend = legendFormat?.trim();
  if (legend && legend !== '__auto') {
    return legend.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_whole, name: string) => labels[name] ?? '');
  }
  const { __name__: metric = '', ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((name) => `${name}="${rest[name]}"`);
  if (pairs.length === 0) {
    return metric || expr;
  }
  return `${metric}{${pairs.join(', ')}}`;
}
