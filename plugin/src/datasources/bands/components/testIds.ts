/** The one place for the selectors the data source's tests use. */
export const testIds = {
  queryEditor: 'data-testid ntma-bands-query-editor',
  expr: 'data-testid ntma-bands-expr',
  confidence: 'data-testid ntma-bands-confidence',
  train: 'data-testid ntma-bands-train',
  legend: 'data-testid ntma-bands-legend',
  configEditor: 'data-testid ntma-bands-config-editor',
};
