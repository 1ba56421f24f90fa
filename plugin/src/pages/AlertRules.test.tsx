import React from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ProvisionedAlertRule } from '../api/alertRules';
import { testIds } from '../components/testIds';
import { SIDECAR_PROXY_URL } from '../constants';
import { installFakeBackend } from '../testing/backend';
import AlertRules from './AlertRules';
import { buildRule, emptyForm } from './alertRules/ruleForm';

jest.mock('@grafana/runtime', () => jest.requireActual('../testing/backend').mockRuntime());

// No delay between keystrokes: @grafana/ui inputs are slow enough under jsdom.
const user = userEvent.setup({ delay: null });

const RULES = '/api/v1/provisioning/alert-rules';
const WATCHERS = `GET ${SIDECAR_PROXY_URL}/api/v1/watchers`;

const apiRule: ProvisionedAlertRule = { ...buildRule(emptyForm('rx_bytes'), 'ntma'), uid: 'r1', provenance: '' };
const fileRule: ProvisionedAlertRule = {
  ...buildRule(emptyForm('tx_bytes'), 'ntma'),
  uid: 'f1',
  title: 'From file',
  provenance: 'file',
};
const unrelated: ProvisionedAlertRule = {
  ...apiRule,
  uid: 'u1',
  title: 'Disk full',
  labels: {},
  data: [{ refId: 'A', datasourceUid: 'prometheus', model: { expr: 'node_filesystem_free_bytes < 1e9' } }],
};

describe('AlertRules', () => {
  it('lists NTMA rules only, with file-provisioned ones read-only', async () => {
    installFakeBackend({
      [`GET ${RULES}`]: { body: [apiRule, fileRule, unrelated] },
      [WATCHERS]: { body: { watchers: [] } },
    });
    render(<AlertRules />);

    const rows = await screen.findAllByTestId(testIds.alertRules.row);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]?.textContent)).toEqual([
      'NTMA anomaly: rx_bytesntma-watchers · score > 0.99',
      'From filentma-watchers · score > 0.99',
    ]);
    expect(within(rows[1]!).getByText('File (read-only)')).toBeInTheDocument();
    // Grafana renders a disabled button with a tooltip as aria-disabled, so the tooltip still shows.
    expect(within(rows[1]!).getByRole('button', { name: /Edit/ })).toHaveAttribute('aria-disabled', 'true');
    expect(within(rows[1]!).getByRole('button', { name: 'Delete From file' })).toBeDisabled();
    expect(within(rows[0]!).getByRole('button', { name: /Edit/ })).toBeEnabled();
  });

  it('creates a rule for a watcher in the NTMA folder, creating the folder first', async () => {
    const backend = installFakeBackend({
      [`GET ${RULES}`]: { body: [] },
      [WATCHERS]: { body: { watchers: [{ name: 'rx_bytes', expr: 'rate(x[5m])' }] } },
      'GET /api/folders/ntma': { status: 404, body: { message: 'folder not found' } },
      'POST /api/folders': { body: { uid: 'ntma' } },
      [`POST ${RULES}`]: { body: {} },
    });
    render(<AlertRules />);
    await screen.findByText(/No alert rule reads the sidecar's series yet/);

    await user.click(screen.getByTestId(testIds.alertRules.create));
    // The option list is virtualised and jsdom lays nothing out, so choose by keyboard.
    await user.type(screen.getByRole('combobox', { name: 'Watcher' }), 'rx_bytes{Enter}');
    expect(screen.getByLabelText('Title')).toHaveValue('NTMA anomaly: rx_bytes');
    await user.click(screen.getByTestId(testIds.alertRules.save));

    await waitFor(() => expect(backend.requests.some((r) => r.url === RULES && r.method === 'POST')).toBe(true));
    const post = backend.requests.find((r) => r.url === RULES && r.method === 'POST')!;
    expect(post.headers).toEqual({ 'X-Disable-Provenance': 'true' });
    expect(post.data).toMatchObject({
      folderUID: 'ntma',
      title: 'NTMA anomaly: rx_bytes',
      labels: { ntma_watcher: 'rx_bytes' },
    });
    expect(backend.requests.find((r) => r.url === '/api/folders')?.data).toEqual({ uid: 'ntma', title: 'NTMA' });
  });

  it("does not send an invalid rule and shows Grafana's refusal", async () => {
    const backend = installFakeBackend({
      [`GET ${RULES}`]: { body: [apiRule] },
      [WATCHERS]: { body: { watchers: [] } },
      [`PUT ${RULES}/r1`]: { status: 400, body: { message: 'invalid alert rule: duration must be positive' } },
    });
    render(<AlertRules />);
    await screen.findAllByTestId(testIds.alertRules.row);

    await user.click(screen.getByRole('button', { name: /Edit/ }));
    const pending = screen.getByLabelText('For');
    await user.clear(pending);
    await user.type(pending, 'soon');
    await user.click(screen.getByTestId(testIds.alertRules.save));
    expect(screen.getByText('A duration such as 30s, 2m or 1h')).toBeInTheDocument();
    expect(backend.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);

    await user.clear(pending);
    await user.type(pending, '1m');
    await user.click(screen.getByTestId(testIds.alertRules.save));
    expect(await screen.findByText('invalid alert rule: duration must be positive')).toBeInTheDocument();
  });

  it('deletes a rule after confirmation', async () => {
    const backend = installFakeBackend({
      [`GET ${RULES}`]: { body: [apiRule] },
      [WATCHERS]: { body: { watchers: [] } },
      [`DELETE ${RULES}/r1`]: { body: {} },
    });
    render(<AlertRules />);
    await screen.findAllByTestId(testIds.alertRules.row);

    await user.click(screen.getByRole('button', { name: 'Delete NTMA anomaly: rx_bytes' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));

    await waitFor(() => expect(backend.requests.some((r) => r.method === 'DELETE')).toBe(true));
  });
});
