import { testIds } from '../src/components/testIds';
import { expect, test } from './fixtures';

// The compose stack provisions the app with the sidecar's URL and token (provisioning/plugins).
test('the configuration page shows the stored token as configured and reaches the sidecar', async ({
  appConfigPage,
  page,
}) => {
  await expect(page.getByTestId(testIds.appConfig.sidecarUrl)).toHaveValue(/^https?:\/\//);
  await expect(page.getByTestId(testIds.appConfig.apiToken)).toHaveValue('configured');

  await page.getByTestId(testIds.appConfig.testConnection).click();

  await expect(page.getByTestId(testIds.appConfig.connectionResult)).toContainText('Connected');
  expect(appConfigPage).toBeTruthy();
});

test('saving the settings goes to /api/plugins/<id>/settings', async ({ appConfigPage, page }) => {
  const saved = appConfigPage.waitForSettingsResponse();
  await page.getByTestId(testIds.appConfig.submit).click();
  await expect(saved).toBeOK();
});
