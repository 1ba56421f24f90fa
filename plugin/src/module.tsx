import React, { Suspense, lazy } from 'react';
import { AppPlugin, type AppRootProps, type PluginExtensionPanelContext, PluginExtensionPoints } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import { ACTIONS, userCan } from './permissions';
import type { AppSettings } from './types';

const LazyApp = lazy(() => import('./components/App/App'));
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));
const LazyScaleServiceModal = lazy(() =>
  import('./components/ScaleServiceModal/ScaleServiceModal').then((m) => ({ default: m.ScaleServiceModal })),
);

const App = (props: AppRootProps<AppSettings>) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
    <LazyApp {...props} />
  </Suspense>
);

const AppConfig = (props: AppConfigProps) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
    <LazyAppConfig {...props} />
  </Suspense>
);

export const plugin = new AppPlugin<AppSettings>()
  .setRootPage(App)
  .addConfigPage({
    title: 'Configuration',
    icon: 'cog',
    body: AppConfig,
    id: 'configuration',
  })
  .addLink<PluginExtensionPanelContext>({
    // Title, description and target must match plugin.json "extensions.addedLinks".
    targets: [PluginExtensionPoints.DashboardPanelMenu],
    title: 'Scale service…',
    description: 'Scale the service linked to this panel out or in',
    icon: 'expand-arrows-alt',
    // Hidden from users who may not scale (returning undefined hides an added link).
    configure: () => (userCan(ACTIONS.scale) ? {} : undefined),
    onClick: (_event, { context, openModal }) =>
      openModal({
        title: 'Scale service',
        width: 720,
        body: ({ onDismiss }) => (
          <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
            <LazyScaleServiceModal context={context} onDismiss={onDismiss} />
          </Suspense>
        ),
      }),
  });
