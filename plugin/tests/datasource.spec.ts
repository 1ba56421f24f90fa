import { testIds } from '../src/datasources/bands/components/testIds';
import { expect, test } from './fixtures';

// The data source asks the sidecar through the app's proxy route, not Grafana's /api/ds/query.
const BANDS_REQUEST = /\/api\/plugin-proxy\/ntma-anomaly-app\/sidecar\/api\/v1\/bands$/;
const EXPR = 'sum by (instance) (rate(node_network_receive_bytes_total[$__rate_interval]))';
// The compose stack's Prometheus holds little history: train on the half hour before the range.
const TRAIN = '30m';

test('a standard time series panel draws the band from the NTMA bands data source', async ({ panelEditPage, page }) => {
  await panelEditPage.datasource.set('NTMA bands');
  await panelEditPage.setVisualization('Time series');
  const row = panelEditPage.getQueryEditorRow('A');
  await row.getByTestId(testIds.expr).fill(EXPR);
  await row.getByTestId(testIds.train).fill(TRAIN);
  await row.getByTestId(testIds.legend).fill('{{instance}}');
  await row.getByTestId(testIds.legend).blur();

  await expect(panelEditPage.refreshPanel({ waitForResponsePredicateCallback: BANDS_REQUEST })).toBeOK();
  await expect(panelEditPage.panel.getErrorIcon()).toHaveCount(0);
  // The legend lists each series and its forecast; the bounds are hidden from it.
  await expect(page.getByText(/ forecast$/).first()).toBeVisible();
  await expect(page.getByText(/ upper$/)).toHaveCount(0);
});

test('Explore runs a bands query', async ({ explorePage }) => {
  await explorePage.datasource.set('NTMA bands');
  const row = explorePage.getQueryEditorRow('A');
  await row.getByTestId(testIds.expr).fill(EXPR);
  await row.getByTestId(testIds.train).fill(TRAIN);
  await row.getByTestId(testIds.train).blur();
  await expect(explorePage.runQuery({ waitForResponsePredicateCallback: BANDS_REQUEST })).toBeOK();
});
