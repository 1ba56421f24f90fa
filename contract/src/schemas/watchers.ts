import { Type, type Static } from 'typebox';

export const WatcherStateSchema = Type.Object({
  status: Type.Union([
    Type.Literal('idle'),
    Type.Literal('backfilling'),
    Type.Literal('running'),
    Type.Literal('stopped'),
  ]),
  series: Type.Integer({ description: 'Series the watcher keeps a detector for' }),
  present: Type.Integer({ description: 'Series with a sample and a model at the last step' }),
  missing: Type.Integer({
    description: 'Series without a sample at the last step (stale or gone; never read as zero)',
  }),
  warming: Type.Integer({ description: 'Series still collecting history for their first model' }),
  provisional: Type.Optional(
    Type.Integer({
      description:
        'Series banded by their provisional model (simple exponential smoothing) while their first fit waits in the worker pool; counted in present or missing too',
    }),
  ),
  openExcursions: Type.Integer(),
  droppedSeries: Type.Integer({ description: 'Series refused at the last step because of max_series' }),
  refitsPending: Type.Integer({ description: 'Series whose refit is queued or running in the worker pool' }),
  lastStep: Type.Union([Type.Number(), Type.Null()], { description: 'Unix seconds of the last evaluated step' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lagSeconds: Type.Union([Type.Number(), Type.Null()], {
    description: "Seconds from the last step's scheduled time to its end",
  }),
});
export type WatcherState = Static<typeof WatcherStateSchema>;

/** One configured watcher with its live state. */
export const WatcherViewSchema = Type.Object({
  name: Type.String(),
  expr: Type.String(),
  step: Type.String({ description: 'Prometheus duration, e.g. "15s"' }),
  stepSeconds: Type.Number(),
  train: Type.String({ description: 'Training window, e.g. "6h"' }),
  trainSeconds: Type.Number(),
  sensitivity: Type.Union([Type.String(), Type.Number()]),
  confidence: Type.Number({ description: 'Band confidence derived from the sensitivity' }),
  role: Type.String({
    description: 'What the series measures for the attack classifier (bytes, packets, requests, other)',
  }),
  maxSeries: Type.Integer(),
  target: Type.Union([Type.String(), Type.Null()], { description: 'Template of the ntma_target label' }),
  signals: Type.Record(Type.String(), Type.String(), {
    description: 'Companion PromQL the attack classifier reads, by role',
  }),
  state: WatcherStateSchema,
});
export type WatcherView = Static<typeof WatcherViewSchema>;

export const WatchersAnswerSchema = Type.Object({
  source: Type.String({ description: 'The watchers file in use' }),
  watchers: Type.Array(WatcherViewSchema),
});
export type WatchersAnswer = Static<typeof WatchersAnswerSchema>;
