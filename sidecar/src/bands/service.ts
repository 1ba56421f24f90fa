/**
 * The bands use case: get evenly spaced values (from Prometheus, or from the client), split them
 * into a training window and a banded range, let the engine fit and trace, and assemble the answer.
 * Handlers stay thin: they validate the shape, this module validates the meaning.
 */
import { createHash } from 'node:crypto';
import { BadRequest, PayloadTooLarge, errorCodeOf } from '../errors.js';
import { modelKey } from '../forecast/cache.js';
import { BANDS_FIT_OPTIONS } from '../forecast/bands-options.js';
import { ForecastError } from '../forecast/errors.js';
import type { FitSpec, ModelChoice } from '../forecast/types.js';
import { endMs, type Grid } from '../series/grid.js';
import type { PrometheusReader } from '../prometheus/client.js';
import type { Labels } from '@ntma/contract';
import { assembleSeries, type SeriesIdentity } from './assemble.js';
import { isGap, type BandJob, type BandsEngine, type Values } from './engine.js';
import { DEFAULT_LIMITS, type BandLimits } from './limits.js';
import { onGrid, regularize, type Point } from './regularize.js';
import { parseDuration, parseInstant } from './time.js';
import type { BandsAnswer, SeriesBand } from '@ntma/contract';
import { checkPointCount, queryLayout, seriesLayout, type Layout } from './window.js';
import { withholdRule } from './withhold.js';

export const DEFAULT_CONFIDENCE = 0.95;

export interface BandOptions {
  /** Training window: a duration ("7d") or seconds. */
  train?: string | number;
  confidence?: number;
  model?: ModelChoice;
}

export interface QueryBandsInput extends BandOptions {
  query: string;
  /** RFC3339 or unix seconds. */
  start: string | number;
  end: string | number;
  /** A duration ("1m") or seconds. */
  step: string | number;
}

/** A series as the client sends it: [unixSeconds, value] pairs, or the compact start + evenly spaced values. */
export type ClientSeries =
  | { id: string; labels: Labels; points: ReadonlyArray<Point> }
  | { id: string; labels: Labels; start: number; values: ReadonlyArray<number | null> };

export interface SeriesBandsInput extends BandOptions {
  /** Each series named by the client; the answer's series carry the id back. */
  series: ReadonlyArray<ClientSeries>;
  /** The spacing of the points; inferred (median spacing) when omitted. */
  step?: string | number;
}

function digest(values: Float64Array): string {
  return createHash('sha1')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('base64url');
}

function bandGrid(layout: Layout): Grid {
  const offset = layout.trainPoints + layout.warmupPoints;
  return {
    startMs: layout.grid.startMs + offset * layout.grid.stepMs,
    stepMs: layout.grid.stepMs,
    count: layout.bandPoints,
  };
}

/** A series' id in a /bands answer: its label set, canonically ordered (Prometheus makes it unique). */
export function labelSetId(labels: Labels): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** A series whose band cannot be computed, said in the answer instead of failing the others. */
function unbanded(series: SeriesIdentity, grid: Grid, actual: Values, skip: number, why: string): SeriesBand {
  const n = grid.count;
  const nulls = (): null[] => new Array<null>(n).fill(null);
  return {
    id: series.id,
    labels: series.labels,
    timestamps: Array.from({ length: n }, (_, i) => (grid.startMs + i * grid.stepMs) / 1000),
    actual: Array.from({ length: n }, (_, i) => (isGap(actual[skip + i]) ? null : actual[skip + i]!)),
    forecast: nulls(),
    lower: nulls(),
    upper: nulls(),
    score: new Array<number>(n).fill(0),
    anomaly: new Array<boolean>(n).fill(false),
    severity: nulls(),
    kind: nulls(),
    model: 'none',
    coverage: null,
    trainedOn: 0,
    fitMs: 0,
    cached: false,
    error: why,
  };
}

/** What the service reports as it works, for the health metrics. */
export interface BandsEvents {
  /** A Prometheus query failed; `code` is the domain error's code, INTERNAL for anything else. */
  queryError?(code: string): void;
}

export class BandsService {
  constructor(
    private readonly prometheus: PrometheusReader,
    private readonly engine: BandsEngine,
    readonly limits: BandLimits = DEFAULT_LIMITS,
    private readonly events: BandsEvents = {},
  ) {}

  async forQuery(input: QueryBandsInput): Promise<BandsAnswer> {
    const start = parseInstant(input.start, 'start');
    const end = parseInstant(input.end, 'end');
    const step = parseDuration(input.step, 'step');
    const train = input.train === undefined ? undefined : parseDuration(input.train, 'train');
    const layout = queryLayout(start, end, step, train, this.limits);
    const range = await this.prometheus
      .queryRange(
        {
          query: input.query,
          start: layout.grid.startMs / 1000,
          end: endMs(layout.grid) / 1000,
          step: layout.grid.stepMs / 1000,
        },
        { maxSeries: this.limits.maxSeries },
      )
      .catch((error: unknown) => {
        this.events.queryError?.(errorCodeOf(error));
        throw error;
      });
    const spec = this.spec(layout, input);
    const series = await Promise.all(
      range.series.map((s) =>
        this.bandOne({ id: labelSetId(s.labels), labels: s.labels }, s.values, layout, spec, input.query),
      ),
    );
    return this.answer(layout, spec, series, range.warnings);
  }

  async forSeries(input: SeriesBandsInput): Promise<BandsAnswer> {
    if (input.series.length > this.limits.maxSeries) {
      throw new PayloadTooLarge(`series: ${input.series.length} series; at most ${this.limits.maxSeries} per request`);
    }
    if (input.series.length === 0) throw new BadRequest('at least one series is needed', 'series');
    const seen = new Set<string>();
    for (const [i, { id }] of input.series.entries()) {
      if (seen.has(id))
        throw new BadRequest(`"${id}" names an earlier series too; each series needs its own id`, `series[${i}].id`);
      seen.add(id);
    }
    const step = input.step === undefined ? undefined : parseDuration(input.step, 'step');
    const train = input.train === undefined ? undefined : parseDuration(input.train, 'train');
    const prepared = input.series.map((s, i) => {
      const compact = 'values' in s;
      const field = compact ? `series[${i}].values` : `series[${i}].points`;
      checkPointCount(compact ? s.values.length : s.points.length, this.limits, field);
      const regular = compact
        ? onGrid(s.start, s.values, step, this.limits.maxPointsPerSeries, `series[${i}]`)
        : regularize(s.points, step, this.limits.maxPointsPerSeries, field);
      return {
        identity: { id: s.id, labels: s.labels },
        regular,
        layout: seriesLayout(regular.grid, train, this.limits, field),
      };
    });
    // One answer has one time axis; series sent on different grids are separate requests.
    const first = prepared[0]!.layout;
    for (const [i, p] of prepared.entries()) {
      if (p.layout.grid.stepMs !== first.grid.stepMs) {
        throw new BadRequest(
          `spacing differs from series[0]; send series with different steps in separate requests`,
          `series[${i}].points`,
        );
      }
    }
    const spec = this.spec(first, input);
    const series = await Promise.all(
      prepared.map(({ identity, regular, layout }) => {
        const skip = (layout.grid.startMs - regular.grid.startMs) / layout.grid.stepMs;
        const values = regular.values.slice(skip);
        // No query names client-sent points, and equal labels can carry different data (rate over 1m
        // or 1h): the digest of the training values stands in for the query.
        const source = `series:${digest(values.subarray(0, layout.trainPoints))}`;
        return this.bandOne(identity, values, layout, spec, source);
      }),
    );
    return this.answer(first, spec, series, []);
  }

  private spec(layout: Layout, options: BandOptions): FitSpec {
    return {
      stepSeconds: layout.grid.stepMs / 1000,
      model: options.model ?? 'auto',
      confidence: options.confidence ?? DEFAULT_CONFIDENCE,
      ...BANDS_FIT_OPTIONS,
    };
  }

  private async bandOne(
    series: SeriesIdentity,
    values: Values,
    layout: Layout,
    spec: FitSpec,
    /** The PromQL, or what stands in for it: part of the model's cache key. */
    source: string,
  ): Promise<SeriesBand> {
    const grid = bandGrid(layout);
    // Gaps at the start of the training window are history that does not exist yet (a Prometheus younger than
    // the window, a series that appeared later): the model trains on what there is rather than on a window
    // mostly made of gaps, which the fit would refuse.
    let lead = 0;
    while (lead < layout.trainPoints && isGap(values[lead])) lead++;
    const train = values.slice(lead, layout.trainPoints);
    const follow = values.slice(layout.trainPoints);
    let observed = 0;
    for (let i = 0; i < train.length; i++) if (!isGap(train[i])) observed++;
    if (observed < this.limits.minTrainPoints) {
      const why = `only ${observed} of ${layout.trainPoints} training points have values; at least ${this.limits.minTrainPoints} are needed`;
      return unbanded(series, grid, follow, layout.warmupPoints, why);
    }
    const job: BandJob = {
      // Confidence is not in the key: a cached snapshot is re-calibrated for any confidence.
      key: modelKey({
        query: source,
        labels: series.labels,
        trainStart: (layout.grid.startMs + lead * layout.grid.stepMs) / 1000,
        trainEnd: (layout.grid.startMs + (layout.trainPoints - 1) * layout.grid.stepMs) / 1000,
        stepSeconds: layout.grid.stepMs / 1000,
        model: spec.model,
      }),
      train,
      spec,
    };
    try {
      const model = await this.engine.model(job);
      const rule = withholdRule(spec.stepSeconds, train.length);
      return assembleSeries(series, grid, follow, model, layout.warmupPoints, spec.confidence, rule);
    } catch (error) {
      // The data's fault (too few values, too many gaps): say so for this series, band the others.
      if (error instanceof ForecastError) return unbanded(series, grid, follow, layout.warmupPoints, error.message);
      throw error;
    }
  }

  private answer(layout: Layout, spec: FitSpec, series: SeriesBand[], warnings: string[]): BandsAnswer {
    const grid = bandGrid(layout);
    const trainEndMs = layout.grid.startMs + layout.trainPoints * layout.grid.stepMs;
    return {
      start: grid.startMs / 1000,
      end: endMs(grid) / 1000,
      step: grid.stepMs / 1000,
      train: { start: layout.grid.startMs / 1000, end: trainEndMs / 1000 },
      confidence: spec.confidence,
      series,
      warnings,
    };
  }
}
