import React, { type ChangeEvent, useState } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, TextArea } from '@grafana/ui';
import { CONFIDENCE, confidenceProblem, trainProblem } from '@ntma/contract';
import type { BandsDataSource } from '../datasource';
import type { BandsQuery } from '../types';
import { testIds } from './testIds';

type Props = QueryEditorProps<BandsDataSource, BandsQuery>;

/**
 * PromQL, confidence, training window and legend. Text is kept locally while typing and committed on blur, so a
 * half-typed value never runs; a value outside the contract's limits is shown as invalid and not committed.
 */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const [expr, setExpr] = useState(query.expr ?? '');
  const [confidence, setConfidence] = useState(query.confidence === undefined ? '' : String(query.confidence));
  const [train, setTrain] = useState(query.train ?? '');
  const [legend, setLegend] = useState(query.legendFormat ?? '');

  const confidenceValue = confidence.trim() === '' ? undefined : Number(confidence);
  const confidenceError = confidenceProblem(confidenceValue);
  const trainError = trainProblem(train);

  const commit = (next: BandsQuery) => {
    onChange(next);
    if (!confidenceProblem(next.confidence) && !trainProblem(next.train ?? '')) {
      onRunQuery();
    }
  };

  return (
    <div data-testid={testIds.queryEditor}>
      <InlineFieldRow>
        <InlineField
          label="PromQL"
          labelWidth={16}
          grow
          tooltip="Run by the sidecar on its own Prometheus; dashboard variables work"
        >
          <TextArea
            data-testid={testIds.expr}
            rows={2}
            value={expr}
            placeholder="sum by (device) (rate(node_network_receive_bytes_total[$__rate_interval]))"
            onChange={(e: ChangeEvent<HTMLTextAreaElement>) => setExpr(e.currentTarget.value)}
            onBlur={() => commit({ ...query, expr })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Confidence"
          labelWidth={16}
          tooltip={`Nominal coverage of the band, ${CONFIDENCE.min} to ${CONFIDENCE.max}; empty: ${CONFIDENCE.default}`}
          invalid={Boolean(confidenceError)}
          error={confidenceError}
        >
          <Input
            data-testid={testIds.confidence}
            width={12}
            type="number"
            step={0.005}
            min={CONFIDENCE.min}
            max={CONFIDENCE.max}
            placeholder={String(CONFIDENCE.default)}
            value={confidence}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setConfidence(e.currentTarget.value)}
            onBlur={() => {
              if (!confidenceError) {
                const { confidence: _old, ...rest } = query;
                commit(confidenceValue === undefined ? rest : { ...rest, confidence: confidenceValue });
              }
            }}
          />
        </InlineField>
        <InlineField
          label="Training window"
          labelWidth={18}
          tooltip='History before the range the model learns from, e.g. "1d" or "6h"; empty: a week (fewer points at short steps)'
          invalid={Boolean(trainError)}
          error={trainError}
        >
          <Input
            data-testid={testIds.train}
            width={12}
            placeholder="7d"
            value={train}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setTrain(e.currentTarget.value)}
            onBlur={() => {
              if (!trainError) {
                const { train: _old, ...rest } = query;
                commit(train.trim() === '' ? rest : { ...rest, train: train.trim() });
              }
            }}
          />
        </InlineField>
        <InlineField label="Legend" labelWidth={10} grow tooltip="e.g. {{instance}} {{device}}; empty: the label set">
          <Input
            data-testid={testIds.legend}
            placeholder="{{instance}} {{device}}"
            value={legend}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setLegend(e.currentTarget.value)}
            onBlur={() => commit({ ...query, legendFormat: legend })}
          />
        </InlineField>
      </InlineFieldRow>
    </div>
  );
}
