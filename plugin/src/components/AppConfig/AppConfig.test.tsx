import React from 'react';
import { type AppPluginMeta, PluginType } from '@grafana/data';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SIDECAR_PROXY_URL } from '../../constants';
import { installFakeBackend } from '../../testing/backend';
import type { AppSettings } from '../../types';
import AppConfig, { type AppConfigProps, sidecarUrlProblem } from './AppConfig';

jest.mock('@grafana/runtime', () => jest.requireActual('../../testing/backend').mockRuntime());

// No delay between keystrokes: @grafana/ui inputs are slow enough under jsdom.
const user = userEvent.setup({ delay: null });

const reload = jest.fn();
beforeAll(() => {
  Object.defineProperty(window, 'location', { value: { ...window.location, reload }, writable: true });
});
beforeEach(() => reload.mockReset());

function props(jsonData: AppSettings, tokenSet: boolean): AppConfigProps {
  const meta = {
    id: 'ntma-anomaly-app',
    name: 'NTMA Anomaly',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields: tokenSet ? { apiToken: true } : {},
  } as unknown as AppPluginMeta<AppSettings>;
  return { plugin: { meta } as AppConfigProps['plugin'], query: {} } as AppConfigProps;
}

const SETTINGS = 'POST /api/plugins/ntma-anomaly-app/settings';

describe('AppConfig', () => {
  it('shows a stored token as configured and keeps it when only the URL changes', async () => {
    const backend = installFakeBackend({ [SETTINGS]: { body: { message: 'Plugin settings updated' } } });
    render(<AppConfig {...props({ sidecarUrl: 'http://old:8787' }, true)} />);

    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    const url = screen.getByRole('textbox', { name: /^Sidecar URL/ });
    await user.clear(url);
    await user.type(url, 'http://sidecar:8787');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]?.data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { sidecarUrl: 'http://sidecar:8787' },
      secureJsonData: undefined,
    });
  });

  it('sends a new token after reset', async () => {
    const backend = installFakeBackend({ [SETTINGS]: { body: {} } });
    render(<AppConfig {...props({ sidecarUrl: 'http://sidecar:8787' }, true)} />);

    await user.click(screen.getByRole('button', { name: 'Reset' }));
    await user.type(screen.getByPlaceholderText('Bearer token'), 'new-secret');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(backend.requests).toHaveLength(1));
    expect(backend.requests[0]?.data).toMatchObject({ secureJsonData: { apiToken: 'new-secret' } });
  });

  it('does not save an invalid URL and says why', async () => {
    installFakeBackend({});
    render(<AppConfig {...props({}, false)} />);

    await user.type(screen.getByRole('textbox', { name: /^Sidecar URL/ }), 'ftp://sidecar');

    expect(screen.getByText('The sidecar URL must start with http:// or https://')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  it('shows why saving failed and stays on the page', async () => {
    installFakeBackend({ [SETTINGS]: { status: 403, body: { message: 'Permission denied' } } });
    render(<AppConfig {...props({ sidecarUrl: 'http://sidecar:8787' }, true)} />);

    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    expect(reload).not.toHaveBeenCalled();
  });

  it('tests the connection through the proxy and shows a ready sidecar', async () => {
    installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/readyz`]: {
        body: { status: 'ready', checks: [{ name: 'prometheus', target: 'http://prom:9090', ok: true }] },
      },
    });
    render(<AppConfig {...props({ sidecarUrl: 'http://sidecar:8787' }, true)} />);

    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText('Connected')).toBeInTheDocument();
    expect(screen.getByText(/prometheus at http:\/\/prom:9090/)).toBeInTheDocument();
  });

  it("shows an unready sidecar's own reason (HTTP 503)", async () => {
    installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/readyz`]: {
        status: 503,
        body: {
          status: 'unready',
          checks: [{ name: 'prometheus', target: 'http://prom:9090', ok: false, error: 'ECONNREFUSED' }],
          message: 'prometheus at http://prom:9090: ECONNREFUSED',
        },
      },
    });
    render(<AppConfig {...props({ sidecarUrl: 'http://sidecar:8787' }, true)} />);

    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText('The sidecar answered but is not ready')).toBeInTheDocument();
    expect(screen.getByText(/ECONNREFUSED/)).toBeInTheDocument();
  });

  it('shows an unreachable sidecar as an error', async () => {
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/readyz`]: { status: 502, body: {} } });
    render(<AppConfig {...props({ sidecarUrl: 'http://sidecar:8787' }, true)} />);

    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText('Could not reach the sidecar')).toBeInTheDocument();
    expect(screen.getByText(/not reachable through Grafana/)).toBeInTheDocument();
  });
});

describe('sidecarUrlProblem', () => {
  it.each([
    ['', 'The sidecar URL is required'],
    ['sidecar:8787', 'The sidecar URL must start with http:// or https://'],
    ['http://', 'The sidecar URL is not a valid URL'],
    ['https://sidecar.example:8787', undefined],
  ])('%j -> %s', (url, problem) => {
    expect(sidecarUrlProblem(url)).toBe(problem);
  });
});
