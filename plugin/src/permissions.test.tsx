import React from 'react';
import { OrgRole } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import { ScaleControls } from './components/ScaleControls/ScaleControls';
import { testIds } from './components/testIds';
import AlertRules from './pages/AlertRules';
import { ACTIONS, userCan } from './permissions';
import { installFakeBackend } from './testing/backend';
import { signInAs } from './testing/user';
import { SIDECAR_PROXY_URL } from './constants';

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
