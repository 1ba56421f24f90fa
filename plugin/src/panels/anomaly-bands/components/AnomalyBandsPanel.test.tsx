import React from 'react';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SIDECAR_PROXY_URL } from '../../../constants';
import { testIds } from '../../../components/testIds';
import { installFakeBackend } from '../../../testing/backend';
import { fakeBands } from '../../../testing/bands';
import { panelProps, seriesFrame, T0, withSpikes } from '../../../testing/panelProps';
import { createTheme, EventBusSrv } from '@grafana/data';
import { PanelContextProvider } from '@grafana/ui';
import type { BandsAnswer } from '@ntma/contract';
import { chartData } from '../chartFrames';
import { anomalyMarks } from '../marks';
import { seriesFromFrames } from '../series';
import { AnomalyBandsPanel } from './AnomalyBandsPanel';
import { BandsTooltip } from './BandsTimeSeries';

jest.mock('@grafana/runtime', () => jest.requireActual('../../../testing/backend').mockRuntime());

// No delay between keystrokes: @grafana/ui inputs are slow enough under jsdom.
const user = userEvent.setup({ delay: null });

const BANDS = `POST ${SIDECAR_PROXY_URL}/api/v1/bands/series`;
const QUERY_BANDS = `POST ${SIDECAR_PROXY_URL}/api/v1/bands`;
const ANOMALIES = `GET ${SIDECAR_PROXY_URL}/api/v1/anomalies`;
const TARGETS = `GET ${SIDECAR_PROXY_URL}/api/v1/targets`;
const SCALE = `POST ${SIDECAR_PROXY_URL}/api/v1/targets/compose%3Ashop%3Aweb/scale`;

const WEB = {
  id: 'compose:shop:web',
  backend: 'compose',
  service: 'web',
  group: 'shop',
  desired: 2,
  running: 2,
  limits: { min: 1, max: 4, step: 1, cooldownSeconds: 60 },
  auto: { mode: 'off', dryRun: false, attackMax: 4 },
  lastAction: null,
};

const frames = () => [
  seriesFrame({ device: 'eth0' }, withSpikes(40, [30, 35])),
  seriesFrame({ device: 'eth1' }, withSpikes(40, [])),
];

describe('AnomalyBandsPanel', () => {
  it('draws each series with its own band and marks the anomalies', async () => {
    const backend = installFakeBackend({ [BANDS]: fakeBands(), [ANOMALIES]: { body: { anomalies: [] } } });

    render(<AnomalyBandsPanel {...panelProps(frames())} />);

    await waitFor(() => expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(2));
    // The band of eth0 was paired by id although the answer lists series in reverse order; the fake trains on
    // the first 20 points and bands the other 20.
    const eth0Band = screen.getAllByTestId(testIds.panel.band).find((b) => b.getAttribute('data-series') === 'eth0');
    expect(eth0Band).toHaveAttribute('data-first', String(T0 + 20 * 60));
    expect(eth0Band).toHaveAttribute('data-last', String(T0 + 39 * 60));
    expect(eth0Band).toHaveAttribute('data-banded', '20');
    expect(eth0Band).toHaveAttribute('data-points', '40');
    // Not the sidecar's Prometheus (the props name no query): it says the band starts after its training part.
    expect(screen.getByTestId(testIds.panel.trainingNotice)).toHaveTextContent(
      'The band starts after its training part (the first half of the range)',
    );
    expect(backend.requests.find((r) => r.method === 'POST')?.data).toMatchObject({
      confidence: 0.95,
      model: 'auto',
      step: 60,
      series: [
        { id: 'A#0.1', labels: { device: 'eth0' } },
        { id: 'A#1.1', labels: { device: 'eth1' } },
      ],
    });
    expect(within(screen.getByTestId(testIds.panel.legend)).getByText('Spike')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.panel.loading)).not.toBeInTheDocument();
  });

  it('asks the sidecar to rerun a query on its own Prometheus, so the band covers every point', async () => {
    const backend = installFakeBackend({
      [QUERY_BANDS]: (request) => {
        const body = request.data as { start: number; end: number; step: number };
        const timestamps = Array.from(
          { length: (body.end - body.start) / body.step + 1 },
          (_, i) => body.start + i * 60,
        );
        return fakeBands()({
          ...request,
          // The same fake, given history before the range: it bands every visible point.
          data: {
            series: [
              {
                id: 'x',
                labels: { __name__: 'rx', device: 'eth0' },
                points: [...timestamps, ...timestamps].map((t) => [t, 10]),
              },
            ],
          },
        });
      },
      [ANOMALIES]: { body: { anomalies: [] } },
    });
    const props = panelProps([seriesFrame({ device: 'eth0' }, withSpikes(40, []))]);
    const target = {
      refId: 'A',
      expr: 'rate(rx{service="$service"}[$__rate_interval])',
      datasource: { type: 'prometheus', uid: 'prometheus' },
    };
    render(
      <AnomalyBandsPanel {...props} data={{ ...props.data, request: { ...props.data.request!, targets: [target] } }} />,
    );

    await waitFor(() => expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(1));
    expect(backend.requests.find((r) => r.method === 'POST')?.data).toEqual({
      query: 'rate(rx{service="web"}[75s])',
      start: T0,
      end: T0 + 39 * 60,
      step: 60,
      confidence: 0.95,
      model: 'auto',
    });
    expect(screen.getByTestId(testIds.panel.band)).toHaveAttribute('data-banded', '40');
    expect(screen.queryByTestId(testIds.panel.trainingNotice)).not.toBeInTheDocument();
  });

  it('shows a loading state, then the bands', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    installFakeBackend({ [BANDS]: fakeBands(), [ANOMALIES]: { body: { anomalies: [] } } });
    const runtime = jest.requireMock('@grafana/runtime');
    const original = runtime.getBackendSrv;
    runtime.getBackendSrv = () => ({
      fetch: (options: never) => {
        const { from } = jest.requireActual('rxjs');
        return from(gate.then(() => original().fetch(options).toPromise()));
      },
    });
    try {
      render(<AnomalyBandsPanel {...panelProps(frames())} />);
      expect(await screen.findByTestId(testIds.panel.loading)).toHaveTextContent('Fitting forecast bands for 2 series');
      expect(screen.getByTestId(testIds.panel.chart)).toBeInTheDocument();
      await act(async () => release());
      await waitFor(() => expect(screen.queryByTestId(testIds.panel.loading)).not.toBeInTheDocument());
      expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(2);
    } finally {
      runtime.getBackendSrv = original;
    }
  });

  it("shows the sidecar's error message and still draws the series", async () => {
    installFakeBackend({
      [BANDS]: {
        status: 413,
        body: { code: 'PAYLOAD_TOO_LARGE', message: 'series: 60 series; at most 50 per request' },
      },
      [ANOMALIES]: { body: { anomalies: [] } },
    });

    render(<AnomalyBandsPanel {...panelProps(frames())} />);

    const error = await screen.findByTestId(testIds.panel.error);
    expect(error).toHaveTextContent('Bands unavailable:');
    expect(error).toHaveTextContent('series: 60 series; at most 50 per request');
    expect(screen.getByTestId(testIds.panel.chart)).toBeInTheDocument();
    expect(screen.queryAllByTestId(testIds.panel.band)).toHaveLength(0);
  });

  it('names a wrong option instead of asking the sidecar', async () => {
    const backend = installFakeBackend({});

    render(<AnomalyBandsPanel {...panelProps(frames(), { model: 'arima', arimaOrder: '9,9,9' })} />);

    expect(await screen.findByTestId(testIds.panel.error)).toHaveTextContent('Check the panel options');
    expect(screen.getByTestId(testIds.panel.error)).toHaveTextContent('ARIMA order 9,9,9 is outside p 0..5');
    expect(backend.requests).toHaveLength(0);
  });

  it('explains an empty panel', () => {
    installFakeBackend({});
    render(<AnomalyBandsPanel {...panelProps([])} />);
    expect(screen.getByTestId(testIds.panel.empty)).toHaveTextContent('No series to band');
  });

  it("marks a series without a band in the legend with the sidecar's reason", async () => {
    installFakeBackend({
      [BANDS]: (request) => {
        const answer = fakeBands()(request);
        const body = answer.body as { series: Array<{ labels: Record<string, string>; error?: string }> };
        body.series.find((s) => s.labels.device === 'eth1')!.error = 'only 3 of 20 training points have values';
        return answer;
      },
      [ANOMALIES]: { body: { anomalies: [] } },
    });

    render(<AnomalyBandsPanel {...panelProps(frames())} />);

    expect(await screen.findByLabelText('No band: only 3 of 20 training points have values')).toBeInTheDocument();
    expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(1);
  });

  it("hides a series and its band when Grafana's legend override hides the series", async () => {
    installFakeBackend({ [BANDS]: fakeBands(), [ANOMALIES]: { body: { anomalies: [] } } });
    const hidden = frames();
    hidden[0]!.fields[1]!.config.custom = { hideFrom: { viz: true, legend: false, tooltip: false } };
    render(<AnomalyBandsPanel {...panelProps(hidden)} />);

    await waitFor(() => expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(1));
    expect(screen.getByTestId(testIds.panel.band)).toHaveAttribute('data-series', 'eth1');
  });

  it("asks the panel context to toggle a series from Grafana's legend", async () => {
    installFakeBackend({ [BANDS]: fakeBands(), [ANOMALIES]: { body: { anomalies: [] } } });
    const toggle = jest.fn();
    const context = { eventsScope: 'test', eventBus: new EventBusSrv(), onToggleSeriesVisibility: toggle };
    render(
      <PanelContextProvider value={context}>
        <AnomalyBandsPanel {...panelProps(frames())} />
      </PanelContextProvider>,
    );
    await waitFor(() => expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'eth0' }));

    expect(toggle).toHaveBeenCalledWith('eth0', expect.anything());
  });

  it('shows actual, forecast, band, score and kind in the tooltip', () => {
    const theme = createTheme();
    const input = seriesFromFrames(frames(), 60_000);
    const band = fakeBands()({
      url: '',
      data: { series: input.map((s) => ({ id: s.key, labels: s.labels, points: s.points })) },
    }).body as BandsAnswer;
    const byKey = new Map(band.series.map((b) => [b.id, b]));
    const chart = chartData(input, frames(), byKey, theme);
    const marks = new Map(chart.series.map((one) => [one.key, one.band ? anomalyMarks(one.band, 'low') : []]));

    render(<BandsTooltip series={chart.series} frames={chart.frames} marks={marks} t={T0 + 30 * 60} timeZone="utc" />);

    const tooltip = screen.getByTestId(testIds.panel.tooltip);
    const eth0 = within(tooltip).getByText('eth0').closest('tr')!;
    expect(Array.from(eth0.querySelectorAll('td'), (td) => td.textContent)).toEqual([
      'eth0',
      '20',
      '10',
      '9 – 11',
      '0.9999',
      'Spike',
    ]);
    const eth1 = within(tooltip).getByText('eth1').closest('tr')!;
    expect(eth1.querySelectorAll('td')[5]?.textContent).toBe('in band');
  });

  it('takes the kind from a watcher excursion covering the point', async () => {
    installFakeBackend({
      [BANDS]: fakeBands(),
      [ANOMALIES]: {
        body: {
          anomalies: [
            {
              id: 1,
              watcher: 'rx',
              labels: { device: 'eth0' },
              target: null,
              kind: 'attack_suspected',
              direction: 1,
              score: 1,
              start: 1_700_000_000 + 30 * 60,
              end: 1_700_000_000 + 30 * 60,
              peak: { t: 0, value: 0, forecast: null, lower: null, upper: null },
              reasons: ['packet rate rose without bytes'],
            },
          ],
        },
      },
    });

    render(<AnomalyBandsPanel {...panelProps(frames())} />);

    // The kinds marked, named in the info row: the watcher's kind won over the band's for its point.
    const info = await screen.findByTestId(testIds.panel.legend);
    await waitFor(() => expect(within(info).getByText('Attack suspected')).toBeInTheDocument());
    expect(within(info).getByText('Spike')).toBeInTheDocument();
  });

  describe('scale buttons', () => {
    const options = { targetMode: 'fixed' as const, scaleTarget: 'compose:shop:$service' };

    it('scale out after a confirmation that states the change, and show the result inline', async () => {
      const backend = installFakeBackend({
        [BANDS]: fakeBands(),
        [ANOMALIES]: { body: { anomalies: [] } },
        [TARGETS]: { body: { targets: [WEB] } },
        [SCALE]: {
          body: {
            target: 'compose:shop:web',
            backend: 'compose',
            before: 2,
            after: 3,
            running: 3,
            dryRun: false,
            changed: true,
            auditId: 'a1',
            replayed: false,
          },
        },
      });
      render(<AnomalyBandsPanel {...panelProps(frames(), options)} />);
      expect(await screen.findByText(/2\/2 running · limits 1–4/)).toBeInTheDocument();

      await user.click(screen.getByTestId(testIds.scale.scaleOut));
      expect(screen.getByTestId(testIds.scale.statement)).toHaveTextContent(
        'Scale out compose:shop:web: 2 → 3 replicas (limits 1–4).',
      );
      await user.click(screen.getByTestId(testIds.scale.confirmButton));

      expect(await screen.findByTestId(testIds.scale.outcome)).toHaveTextContent(
        'Scaled: compose:shop:web 2 → 3 replicas, 3 running. Audit a1.',
      );
      const scale = backend.requests.find((r) => r.url.endsWith('/scale'))!;
      expect(scale.data).toEqual({ delta: 1, reason: 'manual, from panel "Receive rate"' });
      expect(scale.headers?.['Idempotency-Key']).toMatch(/^[0-9a-f]{32}$/);
    });

    it("shows the sidecar's refusal inline", async () => {
      installFakeBackend({
        [BANDS]: fakeBands(),
        [ANOMALIES]: { body: { anomalies: [] } },
        [TARGETS]: { body: { targets: [WEB] } },
        [SCALE]: {
          status: 409,
          body: {
            code: 'LIMIT_EXCEEDED',
            message: "delta: 0 replicas is below the target's min 1 (now 1); nothing was changed",
          },
        },
      });
      render(<AnomalyBandsPanel {...panelProps(frames(), options)} />);
      await screen.findByText(/2\/2 running/);

      await user.click(screen.getByTestId(testIds.scale.scaleIn));
      await user.click(screen.getByTestId(testIds.scale.confirmButton));

      const outcome = await screen.findByTestId(testIds.scale.outcome);
      expect(outcome).toHaveTextContent('Scaling compose:shop:web failed');
      expect(outcome).toHaveTextContent("below the target's min 1");
    });

    it('cancelling the confirmation sends nothing', async () => {
      const backend = installFakeBackend({
        [BANDS]: fakeBands(),
        [ANOMALIES]: { body: { anomalies: [] } },
        [TARGETS]: { body: { targets: [WEB] } },
      });
      render(<AnomalyBandsPanel {...panelProps(frames(), options)} />);
      await screen.findByText(/2\/2 running/);

      await user.click(screen.getByTestId(testIds.scale.scaleOut));
      await user.click(screen.getByRole('button', { name: 'Cancel' }));

      expect(screen.queryByTestId(testIds.scale.confirm)).not.toBeInTheDocument();
      expect(backend.requests.filter((r) => r.url.endsWith('/scale'))).toHaveLength(0);
    });

    it('are hidden when the option is off', async () => {
      installFakeBackend({ [BANDS]: fakeBands(), [ANOMALIES]: { body: { anomalies: [] } } });
      render(<AnomalyBandsPanel {...panelProps(frames(), { ...options, showScaleButtons: false })} />);
      await waitFor(() => expect(screen.getAllByTestId(testIds.panel.band)).toHaveLength(2));
      expect(screen.queryByTestId(testIds.scale.controls)).not.toBeInTheDocument();
    });
  });
});
