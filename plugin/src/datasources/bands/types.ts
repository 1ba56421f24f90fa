import type { DataQuery } from '@grafana/schema';
import type { BandsQueryModel } from '@ntma/contract';

/** One query of the bands data source: the contract's query model plus Grafana's own fields (refId, hide, ...). */
export interface BandsQuery extends DataQuery, BandsQueryModel {}

export const DEFAULT_QUERY: Partial<BandsQuery> = { expr: '' };
