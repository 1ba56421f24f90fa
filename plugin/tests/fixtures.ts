import { type AppConfigPage, type AppPage, test as base } from '@grafana/plugin-e2e';
import pluginJson from '../src/plugin.json';

interface AppTestFixture {
  appConfigPage: AppConfigPage;
  gotoPage: (path?: string) => Promise<AppPage>;
}

/** Fixtures for the app's own pages, on a real Grafana with the plugin installed (the compose stack). */
export const test = base.extend<AppTestFixture>({
  appConfigPage: async ({ gotoAppConfigPage }, use) => {
    await use(await gotoAppConfigPage({ pluginId: pluginJson.id }));
  },
  gotoPage: async ({ gotoAppPage }, use) => {
    await use((path) => gotoAppPage({ path, pluginId: pluginJson.id }));
  },
});

export { expect } from '@grafana/plugin-e2e';
