import React from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testIds } from '../components/testIds';
import { SIDECAR_PROXY_URL } from '../constants';
import { installFakeBackend } from '../testing/backend';
import { anomalyRecord, auditAction, targetView } from '../testing/fixtures';
import Overview from './Overview';

jest.mock('@grafana/runtime', () => jest.requireActual('../testing/backend').mockRuntime());

// No delay between keystrokes: @grafana/ui inputs are slow enough under jsdom.
const user = userEvent.setup({ delay: null });

const READY = { status: 'ready', checks: [{ name: 'prometheus', target: 'http://p:9090', ok: true }] };
const api = (path: string) => `${SIDECAR_PROXY_URL}${path}`;

describe('Overview', () => {
  it('lists targets with replicas, limits, auto mode and last action, and recent anomalies', async () => {
    installFakeBackend({
      [`GET ${api('/readyz')}`]: { body: READY },
      [`GET ${api('/api/v1/targets')}`]: {
        body: {
          targets: [
            targetView({
              running: 1,
              desired: 2,
              auto: { mode: 'dry-run', dryRun: true, attackMax: 4 },
              lastAction: auditAction(),
            }),
          ],
        },
      },
      [`GET ${api('/api/v1/anomalies')}`]: {
        body: { anomalies: [anomalyRecord({ kind: 'attack_suspected', reasons: ['SYN rate tripled'] })] },
      },
    });

    render(<Overview />);

    const row = await screen.findByTestId(testIds.overview.targetRow);
    expect(within(row).getByTestId(testIds.overview.replicas)).toHaveTextContent('1/2');
    expect(row).toHaveTextContent('1–4');
    expect(row).toHaveTextContent('Dry run');
    expect(row).toHaveTextContent('applied 1 → 2');
    expect(row).toHaveTextContent('admin via panel');
    const anomaly = await screen.findByTestId(testIds.overview.anomalyRow);
    expect(anomaly).toHaveTextContent('Attack suspected');
    expect(anomaly).toHaveTextContent('SYN rate tripled');
    expect(anomaly).toHaveTextContent('{device="eth0"}');
    expect(screen.getByText('Ready')).toBeInTheDocument();
  });

  it('sets replicas after a confirmation and reloads the targets', async () => {
    let desired = 2;
    const backend = installFakeBackend({
      [`GET ${api('/readyz')}`]: { body: READY },
      [`GET ${api('/api/v1/targets')}`]: () => ({ body: { targets: [targetView({ desired, running: desired })] } }),
      [`GET ${api('/api/v1/anomalies')}`]: { body: { anomalies: [] } },
      [`POST ${api('/api/v1/targets/compose%3Ashop%3Aweb/scale')}`]: () => {
        desired = 4;
        return {
          body: {
            target: 'compose:shop:web',
            before: 2,
            after: 4,
            running: 4,
            dryRun: false,
            changed: true,
            auditId: 'x',
            replayed: false,
          },
        };
      },
    });
    render(<Overview />);
    await screen.findByTestId(testIds.overview.targetRow);

    await user.type(screen.getByTestId(testIds.scale.replicasInput), '4');
    await user.click(screen.getByTestId(testIds.scale.setReplicas));
    expect(screen.getByTestId(testIds.scale.statement)).toHaveTextContent('Scale out compose:shop:web: 2 → 4 replicas');
    await user.type(screen.getByTestId(testIds.scale.reason), ' (load test)');
    await user.click(screen.getByTestId(testIds.scale.confirmButton));

    expect(await screen.findByText('4/4')).toBeInTheDocument();
    expect(backend.requests.find((r) => r.method === 'POST')?.data).toEqual({
      replicas: 4,
      reason: 'manual, from the NTMA overview (load test)',
    });
  });

  it('warns in the confirmation when the change is outside the limits', async () => {
    installFakeBackend({
      [`GET ${api('/readyz')}`]: { body: READY },
      [`GET ${api('/api/v1/targets')}`]: { body: { targets: [targetView({ desired: 4 })] } },
      [`GET ${api('/api/v1/anomalies')}`]: { body: { anomalies: [] } },
    });
    render(<Overview />);
    await screen.findByTestId(testIds.overview.targetRow);

    await user.click(screen.getByTestId(testIds.scale.scaleOut));

    expect(screen.getByText(/5 is above the target's maximum of 4/)).toBeInTheDocument();
  });

  it('explains an empty fleet and an unreachable sidecar', async () => {
    installFakeBackend({
      [`GET ${api('/readyz')}`]: { status: 502, body: {} },
      [`GET ${api('/api/v1/targets')}`]: { body: { targets: [] } },
      [`GET ${api('/api/v1/anomalies')}`]: { status: 502, body: {} },
    });

    render(<Overview />);

    expect(await screen.findByText(/No service has opted in/)).toBeInTheDocument();
    expect(await screen.findByText('Could not load recent anomalies')).toBeInTheDocument();
    expect(screen.getByText('Unreachable')).toBeInTheDocument();
  });
});
