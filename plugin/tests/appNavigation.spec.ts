import { testIds } from '../src/components/testIds';
import { ROUTES } from '../src/constants';
import { expect, test } from './fixtures';

test.describe('app pages', () => {
  test('overview shows the sidecar as ready and the demo service as a scalable target', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.Overview}`);
    await expect(page.getByTestId(testIds.overview.readiness)).toContainText('Ready');
    await expect(page.getByTestId(testIds.overview.targetRow).first()).toBeVisible();
  });

  test('the audit log renders its table or its empty state', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.Audit}`);
    await expect(page.getByTestId(testIds.audit.container)).toContainText('Scaling audit log');
  });

  test('alert rules lists the file-provisioned NTMA rules as read-only', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.AlertRules}`);
    await expect(page.getByTestId(testIds.alertRules.table)).toContainText('File (read-only)');
  });
});
