/**
 * The NTMA bands data source (`ntma-bands-datasource`, nested in the app): its provisioned identity and the
 * query a panel or Explore saves for it. The plugin's query editor and `query()` read it, the dashboard
 * generator writes it, and the dashboard tests check saved queries against it.
 */
import { CONFIDENCE } from '../limits.js';
import { trainProblem } from './options.js';

/** The data source as provisioned (provisioning/datasources/ntma-bands.yml). */
export const BANDS_DATASOURCE = { type: 'ntma-bands-datasource', uid: 'ntma-bands' } as const;

/** One query: PromQL the sidecar runs on its own Prometheus, training on the window before the range. */
export interface BandsQueryModel {
  expr: string;
  /** Nominal coverage of the band; the sidecar's default (CONFIDENCE.default) when unset. */
  confidence?: number;
  /** Training window before the range ("1d", "6h"); empty or unset: the sidecar's default. */
  train?: string;
  /** Names each series, e.g. "{{instance}} {{device}}"; empty: its label set. */
  legendFormat?: string;
}

/** The keys a saved query may hold: the model's and Grafana's own (refId, datasource, hide, ...). */
export const BANDS_QUERY_KEYS: ReadonlyArray<keyof BandsQueryModel> = ['expr', 'confidence', 'train', 'legendFormat'];

/** Why a confidence cannot be sent, or undefined (unset leaves the sidecar's default). */
export function confidenceProblem(confidence: number | undefined): string | undefined {
  if (confidence === undefined || (confidence >= CONFIDENCE.min && confidence <= CONFIDENCE.max)) return undefined;
  return `Confidence ${confidence} is outside ${CONFIDENCE.min}..${CONFIDENCE.max}`;
}

/** Why a query cannot run as it is, or undefined. */
export function bandsQueryProblem(query: Partial<BandsQueryModel>): string | undefined {
  if (typeof query.expr !== 'string' || query.expr.trim() === '') return 'PromQL: the query is empty';
  return confidenceProblem(query.confidence) ?? trainProblem(query.train ?? '');
}
