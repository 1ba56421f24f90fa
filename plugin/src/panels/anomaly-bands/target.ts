import type { InputSeries } from './series';
import type { AnomalyBandsOptions } from '@ntma/contract';

const LABEL_TEMPLATE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/**
 * The scale targets this panel is linked to. Dashboard variables ($service) are replaced first; in template
 * mode each series then fills `{{label}}` from its own labels, so a panel of several services offers each. A
 * series missing a label the template needs links to nothing.
 */
export function linkedTargets(
  options: Pick<AnomalyBandsOptions, 'targetMode' | 'scaleTarget'>,
  series: InputSeries[],
  replaceVariables: (value: string) => string,
): string[] {
  if (options.targetMode === 'none' || options.scaleTarget.trim() === '') {
    return [];
  }
  const resolved = replaceVariables(options.scaleTarget.trim());
  if (options.targetMode === 'fixed') {
    return [resolved];
  }
  const targets = new Set<string>();
  for (const s of series) {
    let missing = false;
    const target = resolved.replace(LABEL_TEMPLATE, (_, name: string) => {
      const value = s.labels[name];
      if (value === undefined) {
        missing = true;
        return '';
      }
      return value;
    });
    if (!missing) {
      targets.add(target);
    }
  }
  return [...targets].sort();
}
