import type { PluginExtensionPanelContext } from '@grafana/data';
import type { TargetView } from '@ntma/contract';

/** What a panel says about the service it shows: its series' label values, its queries and its title. */
function panelClues(context: PluginExtensionPanelContext | undefined) {
  const labelValues = new Set<string>();
  for (const frame of context?.data?.series ?? []) {
    for (const field of frame.fields) {
      for (const value of Object.values(field.labels ?? {})) {
        labelValues.add(value);
      }
    }
  }
  const text = [
    context?.title ?? '',
    ...(context?.targets ?? []).map((q) => {
      const expr = (q as { expr?: unknown }).expr;
      return typeof expr === 'string' ? expr : '';
    }),
  ].join('\n');
  return { labelValues, text };
}

function mentions(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`).test(text);
}

/**
 * The target a panel most likely shows, for the panel menu's "Scale service…": a series labelled with the
 * service name (e.g. container_label_com_docker_compose_service="web") beats a query or title that mentions
 * it. Undefined when nothing points at one target; the modal then asks.
 */
export function guessTarget(
  targets: TargetView[],
  context: PluginExtensionPanelContext | undefined,
): string | undefined {
  const { labelValues, text } = panelClues(context);
  let best: { id: string; score: number } | undefined;
  for (const target of targets) {
    let score = 0;
    if (labelValues.has(target.id)) {
      score = 3;
    } else if (labelValues.has(target.service)) {
      score = 2;
    } else if (mentions(text, target.service)) {
      score = 1;
    }
    if (score > 0 && (!best || score > best.score)) {
      best = { id: target.id, score };
    }
  }
  return best?.id;
}
