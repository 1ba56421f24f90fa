import path from 'node:path';
import type { Browser } from 'playwright-core';
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
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, TEST_TOKEN, type RunningSidecar } from '../support/sidecar.js';
import { ARTIFACTS, launchChromium } from '../harness/browser.js';
import { buildHarness } from '../harness/build.js';
import { startHarnessServer, type RunningHarness } from '../harness/server.js';

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
    let prom: RunningPrometheus;
    let sidecar: RunningSidecar;
    let harness: RunningHarness;
    let browser: Browser;

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
      const [dist] = await Promise.all([buildHarness(), startPrometheus().then((p) => (prom = p))]);
      sidecar = await startSidecar({ PROMETHEUS_URL: prom.url, ...UNTHROTTLED });
      harness = await startHarnessServer({
        dist,
        sidecarUrl: sidecar.url,
        apiToken: TEST_TOKEN,
        prometheusUrl: prom.url,
        user: 'harness-operator',
      });
      browser = await launchChromium();
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await harness?.close();
      await sidecar?.close();
      await prom?.stop();
      if (prom) cleanPrometheus(prom);
      await removeTestResources(SUITE);
    });

    const running = async () => (await composeReplicas(project, 'web')).filter((c) => c.State === 'running').length;

    it('"Scale out" and confirming raises the running replicas in Docker, and the audit log says who', async () => {
      expect(await running()).toBe(1);
      const now = Math.floor(Date.now() / 1000);
      const page = await browser.newPage({ viewport: { width: 1040, height: 600 } });
      // vector(1) needs no stored data; the panel only has to show its scale buttons for the linked target.
      await page.goto(
        `${harness.url}/?view=panel&theme=dark&query=vector(1)&from=${now - 3600}&to=${now}&step=60&target=${encodeURIComponent(target)}`,
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

      const audit = await callJson<AuditPage>(`${sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}`, {
        token: TEST_TOKEN,
      });
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
      const page = await browser.newPage({ viewport: { width: 1040, height: 600 } });
      await page.goto(`${harness.url}/?view=overview&theme=light`);
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
