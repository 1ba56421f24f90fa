import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { type AppRootProps, OrgRole, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import App from './components/App/App';
import { ScaleServiceModal } from './components/ScaleServiceModal/ScaleServiceModal';
import { ScaleControls } from './components/ScaleControls/ScaleControls';
import { testIds } from './components/testIds';
import AlertRules from './pages/AlertRules';
import { ACTIONS, userCan } from './permissions';
import { installFakeBackend } from './testing/backend';
import { signInAs } from './testing/user';
import { SIDECAR_PROXY_URL } from './constants';
import { plugin } from './module';
import { targetView } from './testing/fixtures';

jest.mock('@grafana/runtime', () => jest.requireActual('./testing/backend').mockRuntime());

afterEach(() => signInAs(OrgRole.Editor));

describe('userCan', () => {
  it('reads the RBAC actions Grafana sends', () => {
    const user = { orgRole: OrgRole.Viewer, permissions: { [ACTIONS.scale]: true } };
    expect(userCan(ACTIONS.scale, user)).toBe(true);
    expect(userCan(ACTIONS.read, user)).toBe(false);
  });

  it('falls back to the basic role, as reqRole does, when Grafana sends no actions', () => {
    expect(userCan(ACTIONS.read, { orgRole: OrgRole.Viewer })).toBe(true);
    expect(userCan(ACTIONS.scale, { orgRole: OrgRole.Viewer })).toBe(false);
    expect(userCan(ACTIONS.scale, { orgRole: OrgRole.Editor })).toBe(true);
    expect(userCan(ACTIONS.alertRulesWrite, { orgRole: OrgRole.Admin, permissions: {} })).toBe(true);
    expect(userCan(ACTIONS.read, { orgRole: '' })).toBe(false);
    expect(userCan(ACTIONS.read, { orgRole: OrgRole.None })).toBe(false);
  });
});

describe('what a Viewer sees', () => {
  it('no scale buttons; an Editor gets them', () => {
    signInAs(OrgRole.Viewer);
    const { unmount } = render(<ScaleControls target="compose:shop:web" origin="test" allowSet />);
    expect(screen.queryByTestId(testIds.scale.controls)).not.toBeInTheDocument();
    unmount();
    signInAs(OrgRole.Editor);
    render(<ScaleControls target="compose:shop:web" origin="test" allowSet />);
    expect(screen.getByTestId(testIds.scale.scaleOut)).toBeInTheDocument();
  });

  it('the alert rules, without the controls that change them', async () => {
    signInAs(OrgRole.Viewer);
    installFakeBackend({
      'GET /api/v1/provisioning/alert-rules': { body: [] },
      [`GET ${SIDECAR_PROXY_URL}/api/v1/watchers`]: { body: { watchers: [] } },
    });
    render(<AlertRules />);
    expect(await screen.findByTestId(testIds.alertRules.container)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.alertRules.create)).not.toBeInTheDocument();
  });
});

describe('what a user without an action sees', () => {
  const appProps = {
    basename: 'a/ntma-anomaly-app',
    meta: { id: 'ntma-anomaly-app', name: 'NTMA Anomaly', type: PluginType.app, enabled: true, jsonData: {} },
    query: {},
    path: '',
    onNavChanged: jest.fn(),
  } as unknown as AppRootProps;
  const openApp = (path: string) =>
    render(
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <App {...appProps} />
      </MemoryRouter>,
    );

  it('the audit page says it is not permitted and asks the sidecar nothing, without audit:read', async () => {
    signInAs(OrgRole.Viewer, [ACTIONS.read]);
    const backend = installFakeBackend({});
    openApp('/audit');
    expect(await screen.findByTestId(testIds.notPermitted)).toHaveTextContent(/may not read the scaling audit log/);
    expect(screen.queryByTestId(testIds.audit.container)).not.toBeInTheDocument();
    expect(backend.requests).toEqual([]);
  });

  it('the overview says it is not permitted and asks the sidecar nothing, without sidecar:read', async () => {
    signInAs(OrgRole.None, []);
    const backend = installFakeBackend({});
    openApp('/overview');
    expect(await screen.findByTestId(testIds.notPermitted)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.overview.container)).not.toBeInTheDocument();
    expect(backend.requests).toEqual([]);
  });

  it('a Viewer gets the audit page itself', async () => {
    signInAs(OrgRole.Viewer);
    const backend = installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/api/v1/audit`]: {
        body: { items: [], total: 0, offset: 0, limit: 25, skippedLines: [] },
      },
    });
    openApp('/audit');
    expect(await screen.findByTestId(testIds.audit.container)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.notPermitted)).not.toBeInTheDocument();
    expect(backend.requests.map((r) => r.url)).toEqual([`${SIDECAR_PROXY_URL}/api/v1/audit`]);
  });

  it('the panel menu offers "Scale service…" only to users who may scale', () => {
    const link = plugin.addedLinkConfigs.find((l) => l.title === 'Scale service…')!;
    signInAs(OrgRole.Viewer);
    expect(link.configure!(undefined)).toBeUndefined();
    signInAs(OrgRole.Editor);
    expect(link.configure!(undefined)).toEqual({});
  });

  it('the "Scale service…" modal lists the targets to a Viewer as read only, with no scale buttons', async () => {
    signInAs(OrgRole.Viewer);
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/api/v1/targets`]: { body: { targets: [targetView()] } } });
    render(<ScaleServiceModal />);
    expect(await screen.findByTestId(testIds.scaleModal.readOnly)).toBeInTheDocument();
    expect(await screen.findByRole('combobox', { name: /^Target/ })).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.scale.controls)).not.toBeInTheDocument();
  });
});
