import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { BackendSrvRequest } from '@grafana/runtime';
import { testIds } from '../components/testIds';
import { SIDECAR_PROXY_URL } from '../constants';
import { installFakeBackend } from '../testing/backend';
import { auditAction } from '../testing/fixtures';
import Audit, { AUDIT_PAGE_SIZE } from './Audit';

jest.mock('@grafana/runtime', () => jest.requireActual('../testing/backend').mockRuntime());

// No delay between keystrokes: @grafana/ui inputs are slow enough under jsdom.
const user = userEvent.setup({ delay: null });

/** A log of 60 actions, paged the way the sidecar pages it. */
function auditLog(request: BackendSrvRequest) {
  const { limit, offset, target } = request.params as { limit: number; offset: number; target?: string };
  const all = Array.from({ length: 60 }, (_, i) =>
    auditAction({ id: `a${i}`, reason: `action ${i}`, target: i % 2 ? 'swarm:api' : 'compose:shop:web' }),
  );
  const matching = target ? all.filter((a) => a.target === target) : all;
  return {
    body: { items: matching.slice(offset, offset + limit), total: matching.length, offset, limit, skippedLines: [] },
  };
}

describe('Audit', () => {
  it('pages through the log', async () => {
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/api/v1/audit`]: auditLog });
    render(<Audit />);

    expect(await screen.findAllByTestId(testIds.audit.row)).toHaveLength(AUDIT_PAGE_SIZE);
    expect(screen.getByText('1–25 of 60')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '3' }));

    expect(await screen.findByText('51–60 of 60')).toBeInTheDocument();
    expect(screen.getAllByTestId(testIds.audit.row)).toHaveLength(10);
    expect(screen.getByText('action 50')).toBeInTheDocument();
  });

  it('filters by target', async () => {
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/api/v1/audit`]: auditLog });
    render(<Audit />);
    await screen.findByText('1–25 of 60');

    await user.type(screen.getByLabelText('Filter by target'), 'swarm:api');

    expect(await screen.findByText('1–25 of 30')).toBeInTheDocument();
  });

  it('warns about lines it could not read and shows the rest', async () => {
    installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/api/v1/audit`]: {
        body: {
          items: [auditAction({ status: 'unfinished', after: 3 })],
          total: 1,
          offset: 0,
          limit: 25,
          skippedLines: [{ line: 9, reason: 'torn final line: the writer stopped in the middle of it' }],
        },
      },
    });
    render(<Audit />);

    expect(await screen.findByText(/1 line\(s\) of the audit log could not be read/)).toBeInTheDocument();
    expect(screen.getByText(/line 9: torn final line/)).toBeInTheDocument();
    expect(screen.getByText('unfinished')).toBeInTheDocument();
  });
});
