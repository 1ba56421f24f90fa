import { useCallback, useMemo } from 'react';
import { type DataFrame } from '@grafana/data';
import { getBandsForQuery, getBandsForSeries, listAnomalies } from '../../api/client';
import type { AnomalyRecord, BandsAnswer, ModelChoice, SeriesBand } from '@ntma/contract';
import { type AsyncData, useAsyncData } from '../../hooks/useAsyncData';
import { groupByStep, type InputSeries, requestSeries, seriesFromFrames } from './series';
import { type BandSource, sameSeries, type SidecarQuery } from './source';

export interface BandRequestOptions {
  confidence: number;
  train: string;
  model: ModelChoice;
}

export interface BandedSeries {
  input: InputSeries;
  /** The sidecar's band for this series; undefined when its request failed or the sidecar returned none. */
  band?: SeriesBand;
}

export interface Bands {
  series: BandedSeries[];
  /** Excursions the sidecar's watchers recorded in the panel's range (they carry attack evidence). */
  watched: AnomalyRecord[];
  warnings: string[];
}

/** The series of the panel's data, as the sidecar receives them. */
export function useInputSeries(frames: DataFrame[], requestIntervalMs?: number): InputSeries[] {
  return useMemo(() => seriesFromFrames(frames, requestIntervalMs), [frames, requestIntervalMs]);
}

type BandOptions = Omit<BandRequestOptions, 'model'> & { model: ModelChoice };

/** One POST /bands per query: the sidecar reruns it and trains on the history before the range. */
async function bandsForQueries(queries: SidecarQuery[], input: InputSeries[], options: BandOptions) {
  const answers = await Promise.all(
    queries.map((q) =>
      getBandsForQuery({
        query: q.expr,
        start: q.start,
        end: q.end,
        step: q.stepSeconds,
        confidence: options.confidence,
        model: options.model,
        ...(options.train ? { train: options.train } : {}),
      }).then((answer) => ({ refId: q.refId, answer })),
    ),
  );
  const series = input.map((s) => {
    const answer = answers.find((a) => a.refId === s.refId)?.answer;
    return { input: s, band: answer?.series.find((b) => sameSeries(s.labels, b.labels)) };
  });
  return { series, answers: answers.map((a) => a.answer) };
}

/** One POST /bands/series per point spacing (one answer has one time axis); the first part of the points trains. */
async function bandsForSeries(input: InputSeries[], options: BandOptions) {
  const answers: BandsAnswer[] = await Promise.all(
    groupByStep(input).map((group) =>
      getBandsForSeries({
        series: group.map(requestSeries),
        ...(group[0]?.stepSeconds ? { step: group[0].stepSeconds } : {}),
        confidence: options.confidence,
        model: options.model,
        ...(options.train ? { train: options.train } : {}),
      }),
    ),
  );
  const byKey = new Map<string, SeriesBand>();
  for (const answer of answers) {
    for (const band of answer.series) {
      byKey.set(band.id, band);
    }
  }
  return { series: input.map((s) => ({ input: s, band: byKey.get(s.key) })), answers };
}

/**
 * Asks the sidecar for a band per series of the panel's data, from where `source` says: a rerun of the panel's
 * own PromQL (the band covers the whole range) or the panel's points (the band starts after its training part).
 * A new request goes out only when the data, the source or a band option changes, not on every render.
 */
export function useBands(input: InputSeries[], source: BandSource, options: BandRequestOptions): AsyncData<Bands> {
  const modelKey = JSON.stringify(options.model);
  const sourceKey = JSON.stringify(source);
  const { confidence } = options;
  const train = options.train.trim();

  const load = useCallback(async (): Promise<Bands> => {
    if (input.length === 0) {
      return { series: [], watched: [], warnings: [] };
    }
    const chosen = JSON.parse(sourceKey) as BandSource;
    const bandOptions = { confidence, train, model: JSON.parse(modelKey) as ModelChoice };
    const from = Math.min(...input.map((s) => s.points[0]?.[0] ?? Infinity));
    const [banded, watched] = await Promise.all([
      chosen.kind === 'query'
        ? bandsForQueries(chosen.queries, input, bandOptions)
        : bandsForSeries(input, bandOptions),
      // Kinds from the watchers are a refinement: the bands stand without them.
      listAnomalies({ since: Number.isFinite(from) ? from : undefined, limit: 500 }).catch(() => []),
    ]);
    return { series: banded.series, watched, warnings: banded.answers.flatMap((a) => a.warnings) };
  }, [input, sourceKey, confidence, train, modelKey]);

  return useAsyncData(load);
}
