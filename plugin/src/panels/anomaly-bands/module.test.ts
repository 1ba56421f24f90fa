import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { type AnomalyBandsOptions, DEFAULT_PANEL_OPTIONS, PANEL_OPTION_PATHS } from '@ntma/contract';
import { plugin } from './module';

/** Records what the panel registers; Grafana's editor registry is not loaded outside Grafana. */
function recordingBuilder(): {
  builder: PanelOptionsEditorBuilder<AnomalyBandsOptions>;
  items: Array<Record<string, unknown>>;
} {
  const items: Array<Record<string, unknown>> = [];
  const builder: PanelOptionsEditorBuilder<AnomalyBandsOptions> = new Proxy(
    {} as PanelOptionsEditorBuilder<AnomalyBandsOptions>,
    {
      get: (_target, name) => (config: Record<string, unknown>) => {
        items.push({ editor: String(name), ...config });
        return builder;
      },
    },
  );
  return { builder, items };
}

describe('the panel option editor', () => {
  it("registers exactly the contract's option paths, with the contract's defaults", () => {
    const { builder, items } = recordingBuilder();
    plugin.getPanelOptionsSupplier()(builder, { data: [] });
    expect(items.map((item) => item.path).sort()).toEqual([...PANEL_OPTION_PATHS].sort());
    for (const item of items) {
      expect(item.defaultValue).toEqual(DEFAULT_PANEL_OPTIONS[item.path as keyof AnomalyBandsOptions]);
    }
  });
});
