import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { type AppRootProps, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import { SIDECAR_PROXY_URL } from '../../constants';
import { installFakeBackend } from '../../testing/backend';
import App from './App';

jest.mock('@grafana/runtime', () => jest.requireActual('../../testing/backend').mockRuntime());

const props = {
  basename: 'a/ntma-anomaly-app',
  meta: { id: 'ntma-anomaly-app', name: 'NTMA Anomaly', type: PluginType.app, enabled: true, jsonData: {} },
  query: {},
  path: '',
  onNavChanged: jest.fn(),
} as unknown as AppRootProps;

describe('App', () => {
  it('opens on the overview page, which shows whether the sidecar is ready', async () => {
    installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/readyz`]: {
        body: { status: 'ready', checks: [{ name: 'prometheus', target: 'http://prom:9090', ok: true }] },
      },
    });

    render(
      <MemoryRouter
        initialEntries={['/a/ntma-anomaly-app']}
        future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
      >
        <App {...props} />
      </MemoryRouter>,
    );

    expect(await screen.findByText('Ready')).toBeInTheDocument();
    expect(screen.getByText(/prometheus at http:\/\/prom:9090: ok/)).toBeInTheDocument();
  });
});
