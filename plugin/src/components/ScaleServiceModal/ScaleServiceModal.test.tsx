import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type PluginExtensionPanelContext } from '@grafana/data';
import { SIDECAR_PROXY_URL } from '../../constants';
import { installFakeBackend } from '../../testing/backend';
import { targetView } from '../../testing/fixtures';
import { testIds } from '../testIds';
import { ScaleServiceModal } from './ScaleServiceModal';

jest.mock('@grafana/runtime', () => jest.requireActual('../../testing/backend').mockRuntime());

const user = userEvent.setup({ delay: null });
const TARGETS = `GET ${SIDECAR_PROXY_URL}/api/v1/targets`;
const context = {
  title: 'api requests',
  targets: [{ refId: 'A', expr: 'sum(rate(http_requests_total{service="api"}[1m]))' }],
} as unknown as PluginExtensionPanelContext;

describe('ScaleServiceModal', () => {
  it('preselects the target the panel shows and scales it after confirmation', async () => {
    const backend = installFakeBackend({
      [TARGETS]: {
        body: {
          targets: [targetView(), targetView({ id: 'swarm:api', service: 'api', backend: 'swarm', desired: 1 })],
        },
      },
      [`POST ${SIDECAR_PROXY_URL}/api/v1/targets/swarm%3Aapi/scale`]: {
        body: {
          target: 'swarm:api',
          before: 1,
          after: 2,
          running: 1,
          dryRun: false,
          changed: true,
          auditId: 'z',
          replayed: false,
        },
      },
    });
    render(<ScaleServiceModal context={context} onDismiss={jest.fn()} />);

    expect(await screen.findByRole('combobox', { name: /^Target/ })).toHaveValue('swarm:api');
    await user.click(screen.getByTestId(testIds.scale.scaleOut));
    expect(screen.getByTestId(testIds.scale.statement)).toHaveTextContent('Scale out swarm:api: 1 → 2 replicas');
    await user.click(screen.getByTestId(testIds.scale.confirmButton));

    expect(await screen.findByTestId(testIds.scale.outcome)).toHaveTextContent('swarm:api 1 → 2 replicas, 1 running');
    expect(backend.requests.find((r) => r.method === 'POST')?.data).toEqual({
      delta: 1,
      reason: 'manual, from the panel menu of "api requests"',
    });
  });

  it('says so when nothing can be scaled, and when the sidecar is unreachable', async () => {
    installFakeBackend({ [TARGETS]: { body: { targets: [] } } });
    const { unmount } = render(<ScaleServiceModal context={context} />);
    expect(await screen.findByText('Nothing to scale')).toBeInTheDocument();
    unmount();

    installFakeBackend({ [TARGETS]: { status: 502, body: {} } });
    render(<ScaleServiceModal context={context} />);
    expect(await screen.findByText('Could not load the scalable targets')).toBeInTheDocument();
  });
});
