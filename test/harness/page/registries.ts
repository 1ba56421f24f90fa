/*
 * Grafana fills two registries at boot that a panel plugin's field config is built from: the option editors
 * (slider, select, ...) and the standard field options (unit, decimals, min, max, colour, thresholds, ...). The
 * editors are not shown here, so each is a stand-in; the standard options pass their value through as Grafana's
 * do for these, so a panel's saved field config and overrides reach its fields.
 */
import {
  FieldConfigProperty,
  type FieldConfigPropertyItem,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  type StandardEditorsRegistryItem,
} from '@grafana/data';

const NO_EDITOR = () => null;

const EDITORS = [
  'text',
  'number',
  'slider',
  'select',
  'multi-select',
  'radio',
  'boolean',
  'color',
  'unit',
  'field-name',
  'dashboard-uid',
  'mappings',
  'thresholds',
  'links',
  'interval',
  'strings',
  'timezone',
  'fieldColor',
  'stats-picker',
  'color-scheme',
];

const STANDARD = [
  FieldConfigProperty.DisplayName,
  FieldConfigProperty.Unit,
  FieldConfigProperty.Decimals,
  FieldConfigProperty.Min,
  FieldConfigProperty.Max,
  FieldConfigProperty.Color,
  FieldConfigProperty.Thresholds,
  FieldConfigProperty.NoValue,
];

export function installRegistries(): void {
  standardEditorsRegistry.setInit(() =>
    EDITORS.map((id): StandardEditorsRegistryItem => ({ id, name: id, editor: NO_EDITOR })),
  );
  standardFieldConfigEditorRegistry.setInit(() =>
    STANDARD.map((id): FieldConfigPropertyItem => ({
      id,
      path: id,
      name: id,
      editor: NO_EDITOR,
      override: NO_EDITOR,
      process: (value: unknown) => value,
      shouldApply: () => true,
    })),
  );
}
