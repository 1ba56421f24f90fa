import { createDataFrame, FieldType, type PluginExtensionPanelContext } from '@grafana/data';
import type { TargetView } from '@ntma/contract';
import { guessTarget } from './guessTarget';

const target = (id: string, service: string) => ({ id, service }) as TargetView;
const targets = [
  target('compose:shop:web', 'web'),
  target('compose:shop:api', 'api'),
  target('swarm:webhook', 'webhook'),
];

function context(parts: {
  labels?: Record<string, string>;
  expr?: string;
  title?: string;
}): PluginExtensionPanelContext {
  const frame = createDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: [0] },
      { name: 'Value', type: FieldType.number, values: [1], labels: parts.labels },
    ],
  });
  return {
    title: parts.title ?? '',
    targets: parts.expr ? [{ refId: 'A', expr: parts.expr }] : [],
    data: { series: [frame] },
  } as unknown as PluginExtensionPanelContext;
}

describe('guessTarget', () => {
  it("prefers a series labelled with the target's service", () => {
    expect(guessTarget(targets, context({ labels: { service: 'api' }, title: 'web traffic' }))).toBe(
      'compose:shop:api',
    );
  });

  it('falls back to a whole-word mention in the query or title', () => {
    expect(guessTarget(targets, context({ expr: 'rate(http_requests_total{job="web"}[5m])' }))).toBe(
      'compose:shop:web',
    );
    expect(guessTarget(targets, context({ title: 'webhook deliveries' }))).toBe('swarm:webhook');
  });

  it('guesses nothing when the panel names no service', () => {
    expect(guessTarget(targets, context({ title: 'CPU' }))).toBeUndefined();
    expect(guessTarget(targets, undefined)).toBeUndefined();
  });
});
