import path from 'node:path';
import { chromium, describeWith, dockerd, prometheus } from '../support/components.js';
import {
  callJson,
  composeReplicas,
  createComposeService,
  eventually,
  removeTestResources,
  testImage,
  UNTHROTTLED,
} from '../support/docker.js';
import { TEST_TOKEN } from '../support/sidecar.js';
import { ARTIFACTS } from '../harness/browser.js';
import { startBrowserStack, type BrowserStack } from '../harness/stack.js';

const SUITE = 'browser-scale';

interface AuditPage {
  items: Array<{ target: string; status: string; who: string; source: string; before: number; after: number }>;
}

describeWith(
  [chromium, prometheus, dockerd],
  'scaling from the panel in Chromium (harness, real sidecar and Docker)',
  () => {
    const project = `ntmab${Date.now().toString(36)}`;
    const target = `compose:${project}:web`;
    let stack: BrowserStack;

    beforeAll(async () => {
      testImage();
      await removeTestResources(SUITE);
      await createComposeService({
        suite: SUITE,
        project,
        service: 'web',
        replicas: 1,
        labels: { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '3' },
      });
      stack = await startBrowserStack({ sidecarEnv: { ...UNTHROTTLED }, user: 'harness-operator' });
    }, 300_000);

    afterAll(async () => {
      await stack?.close();
      await removeTestResources(SUITE);
    });

    const running = async () => (await composeReplicas(project, 'web')).filter((c) => c.State === 'running').length;

    it('"Scale out" and confirming raises the running replicas in Docker, and the audit log says who', async () => {
      expect(await running()).toBe(1);
      const now = Math.floor(Date.now() / 1000);
      const page = await stack.browser.newPage({ viewport: { width: 1040, height: 600 } });
      // vector(1) needs no stored data; the panel only has to show its scale buttons for the linked target.
      await page.goto(
        `${stack.harness.url}/?view=panel&theme=dark&query=vector(1)&from=${now - 3600}&to=${now}&step=60&target=${encodeURIComponent(target)}`,
      );
      await page.getByText('1/1 running · limits 1–3').waitFor({ timeout: 60_000 });

      await page.getByTestId('data-testid ntma-scale-out').click();
      const statement = page.getByTestId('data-testid ntma-scale-statement');
      expect(await statement.textContent()).toBe(`Scale out ${target}: 1 → 2 replicas (limits 1–3).`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'plugin-scale-confirm.png') });
      await page.getByTestId('data-testid ntma-scale-confirm-button').click();

      const outcome = page.getByTestId('data-testid ntma-scale-outcome');
      await outcome.getByText('Scaled:').waitFor({ timeout: 120_000 });
      expect(await outcome.textContent()).toContain(`${target} 1 → 2 replicas`);
      await eventually('two running replicas in Docker', async () => (await running()) === 2, 60_000);
      await page.getByText('2/2 running · limits 1–3').waitFor({ timeout: 30_000 });
      await page.locator('.harness-panel').screenshot({ path: path.join(ARTIFACTS, 'plugin-scale-done.png') });

      const audit = await callJson<AuditPage>(
        `${stack.sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}`,
        {
          token: TEST_TOKEN,
        },
      );
      expect(audit.body.items[0]).toMatchObject({
        target,
        status: 'applied',
        who: 'harness-operator',
        source: 'panel',
        before: 1,
        after: 2,
      });
      await page.close();
    });

    it('shows the refusal inline when the change would pass the maximum, and Docker is untouched', async () => {
      const page = await stack.browser.newPage({ viewport: { width: 1040, height: 600 } });
      await page.goto(`${stack.harness.url}/?view=overview&theme=light`);
      const row = page.locator(`[data-target="${target}"]`);
      await row.waitFor({ timeout: 60_000 });

      await row.getByLabel(`Replicas for ${target}`).fill('5');
      await row.getByTestId('data-testid ntma-scale-set').click();
      expect(await page.getByTestId('data-testid ntma-scale-statement').textContent()).toBe(
        `Scale out ${target}: 2 → 5 replicas (limits 1–3).`,
      );
      await page.getByTestId('data-testid ntma-scale-confirm-button').click();

      const outcome = row.getByTestId('data-testid ntma-scale-outcome');
      await outcome.getByText(`Scaling ${target} failed`).waitFor({ timeout: 60_000 });
      expect(await outcome.textContent()).toMatch(/above the target's max 3/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'plugin-overview-light.png'), fullPage: true });
      expect(await running()).toBe(2);
      await page.close();
    });
  },
);
