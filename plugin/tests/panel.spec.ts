import { testIds } from '../src/components/testIds';
import { expect, test } from './fixtures';

test('the anomaly-bands panel draws a band over a Prometheus query', async ({ panelEditPage, page }) => {
  await panelEditPage.datasource.set('Prometheus');
  await panelEditPage.setVisualization('Anomaly bands');
  const query = panelEditPage.getQueryEditorRow('A');
  await query.getByRole('radio', { name: 'Code' }).click();
  await query.locator('.monaco-editor').click();
  await page.keyboard.type('sum by (instance) (rate(node_network_receive_bytes_total[5m]))');
  await panelEditPage.refreshPanel();

  // The band is drawn on uPlot's canvas; its hook element (hidden) says what it covers.
  await expect(page.getByTestId(testIds.panel.band).first()).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId(testIds.panel.legend)).toBeVisible();
});

test('the panel menu offers "Scale service…"', async ({ panelEditPage, page }) => {
  await panelEditPage.setVisualization('Anomaly bands');
  const dashboard = await panelEditPage.backToDashboard();
  expect(dashboard).toBeTruthy();
  await page
    .getByRole('button', { name: /Menu for panel/ })
    .first()
    .click();
  await page.getByRole('menuitem', { name: 'Extensions' }).hover();
  await page.getByRole('menuitem', { name: 'Scale service…' }).click();
  await expect(page.getByTestId(testIds.scaleModal.container)).toBeVisible();
});
