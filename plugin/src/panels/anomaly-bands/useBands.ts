import { useCallback, useMemo } from 'react';
import { type DataFrame } from '@grafana/data';
import { getBandsForSeries, listAnomalies } from '../../api/client';
import type { AnomalyRecord, ModelChoice, SeriesBand } from '@ntma/contract';
import { type AsyncData, useAsyncData } from '../../hooks/useAsyncData';
import { groupByStep, type InputSeries, seriesFromFrames } from './series';

export interface BandRequestOptions {
  confidence: number;
  train: string;
  model: ModelChoice;
}

export interface BandedSeries {
  input: InputSeries;
  /** The sidecar's band for this series; undefined when its request failed. */
  band?: SeriesBand;
}

export interface Bands {
  series: BandedSeries[];
  /** Excursions the sidecar's watchers recorded in the panel's range (they carry attack evidence). */
  watched: AnomalyRecord[];
  warnings: string[];
}

/**
 * Asks the sidecar for a band per series of the panel's data: one request per point spacing (one answer has one
 * time axis) with the step the data was queried with, answers paired back to series by the id each request
 * gives them. A new request goes out only when the data or a band
 * option changes, not on every render.
 */
export function useBands(
  frames: DataFrame[],
  options: BandRequestOptions,
  requestIntervalMs?: number,
): { input: InputSeries[]; bands: AsyncData<Bands> } {
  const input = useMemo(() => seriesFromFrames(frames, requestIntervalMs), [frames, requestIntervalMs]);
  const modelKey = JSON.stringify(options.model);
  const { confidence, train } = options;

  const load = useCallback(async (): Promise<Bands> => {
    if (input.length === 0) {
      return { series: [], watched: [], warnings: [] };
    }
    const model = JSON.parse(modelKey) as ModelChoice;
    const groups = groupByStep(input);
    const from = Math.min(...input.map((s) => s.points[0]?.[0] ?? Infinity));
    const [answers, watched] = await Promise.all([
      Promise.all(
        groups.map((group) =>
          getBandsForSeries({
            series: group.map((s) => ({ id: s.key, labels: s.labels, points: s.points })),
            ...(group[0]?.stepSeconds ? { step: group[0].stepSeconds } : {}),
            confidence,
            model,
            ...(train.trim() ? { train: train.trim() } : {}),
          }),
        ),
      ),
      // Kinds from the watchers are a refinement: the bands stand without them.
      listAnomalies({ since: Number.isFinite(from) ? from : undefined, limit: 500 }).catch(() => []),
    ]);
    const byKey = new Map<string, SeriesBand>();
    for (const answer of answers) {
      for (const band of answer.series) {
        byKey.set(band.id, band);
      }
    }
    return {
      series: input.map((s) => ({ input: s, band: byKey.get(s.key) })),
      watched,
      warnings: answers.flatMap((a) => a.warnings),
    };
  }, [input, confidence, train, modelKey]);

  return { input, bands: useAsyncData(load) };
}
