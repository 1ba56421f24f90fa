import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SavedAnomalyBandsOptionsSchema } from '@ntma/contract/schemas';
import { Value } from 'typebox/value';
import { REPO_ROOT } from '../generate/outputs.js';
import { BANDS_PANEL } from './grafana-ids.js';

interface SavedPanel {
  type?: string;
  title?: string;
  options?: unknown;
  panels?: SavedPanel[];
}

/** Every provisioned dashboard as Grafana reads it: the JSON files under dashboards/. */
const provisioned = readdirSync(path.join(REPO_ROOT, 'dashboards'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    panels: (JSON.parse(readFileSync(path.join(REPO_ROOT, 'dashboards', file), 'utf8')) as { panels?: SavedPanel[] })
      .panels,
  }));

function bandPanels(panels: SavedPanel[] = []): SavedPanel[] {
  return panels.flatMap((p) => [...(p.type === BANDS_PANEL ? [p] : []), ...bandPanels(p.panels)]);
}

const cases = provisioned.flatMap(({ file, panels }) =>
  bandPanels(panels).map((panel) => [`${file}: "${panel.title}"`, panel.options] as const),
);

describe("the provisioned dashboards' anomaly-bands panels", () => {
  it('exist where scale buttons are wanted (elsewhere standard panels draw bands from the bands data source)', () => {
    expect(provisioned.length).toBeGreaterThanOrEqual(3);
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)('%s carries only options the panel reads, with values it accepts', (_where, options) => {
    const errors = [...Value.Errors(SavedAnomalyBandsOptionsSchema, options)].map(
      (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
    );
    expect(errors).toEqual([]);
  });

  it('would refuse an option the panel does not read', () => {
    expect(Value.Check(SavedAnomalyBandsOptionsSchema, { trainingWindow: '6h' })).toBe(false);
  });
});
