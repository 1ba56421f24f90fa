import { mapGrafanaAlerts, replayKeyOf, targetOf, valueOf, type GrafanaWebhook } from './grafana-alerts.js';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

/** Shaped like Grafana's documented webhook body. */
function payload(alerts: GrafanaWebhook['alerts'], status = 'firing'): GrafanaWebhook {
  return { receiver: 'ntma', status, alerts };
}

describe('mapGrafanaAlerts', () => {
  it('maps a firing alert with ntma_target to an out signal carrying its value', () => {
    const [mapped] = mapGrafanaAlerts(
      payload([
        {
          status: 'firing',
          labels: { alertname: 'TrafficHigh', ntma_target: 'compose:shop:web', kind: 'spike' },
          fingerprint: 'c6eadffa33fcdf37',
          values: { B: 44.2, C: 1 },
          annotations: { ntma_observed_at: String(NOW / 1000) },
        },
      ]),
    );
    expect(mapped).toEqual({
      alertname: 'TrafficHigh',
      fingerprint: 'c6eadffa33fcdf37',
      replayKey: expect.any(String),
      signal: {
        target: 'compose:shop:web',
        direction: 'out',
        firing: true,
        kind: 'spike',
        attack: false,
        value: 44.2,
        observedAt: NOW,
      },
    });
  });

  it('reads direction from ntma_direction, ntma_anomaly and the drop kind', () => {
    const mapped = mapGrafanaAlerts(
      payload([
        { labels: { ntma_target: 'swarm:a', ntma_direction: 'in' }, values: { A: 1 } },
        { labels: { ntma_target: 'swarm:a', ntma_anomaly: '-1' }, values: { A: 1 } },
        { labels: { ntma_target: 'swarm:a', kind: 'drop' }, values: { A: 1 } },
        { labels: { ntma_target: 'swarm:a', ntma_anomaly: '1' }, values: { A: 1 } },
      ]),
    );
    expect(mapped.map((m) => m.signal?.direction)).toEqual(['in', 'in', 'in', 'out']);
  });

  it('marks attack-like anomalies from the kind or an attack label', () => {
    const mapped = mapGrafanaAlerts(
      payload([
        { labels: { ntma_target: 'swarm:a', kind: 'attack_suspected' }, values: { A: 1 } },
        { labels: { ntma_target: 'swarm:a', ntma_attack: 'true' }, values: { A: 1 } },
        { labels: { ntma_target: 'swarm:a', kind: 'sustained' }, values: { A: 1 } },
      ]),
    );
    expect(mapped.map((m) => m.signal?.attack)).toEqual([true, true, false]);
  });

  it('ignores alerts that name no target, saying why', () => {
    const [mapped] = mapGrafanaAlerts(payload([{ labels: { alertname: 'DiskFull' } }]));
    expect(mapped?.signal).toBeUndefined();
    expect(mapped?.ignored).toMatch(/ntma_target/);
  });

  it('takes resolved status from the alert, or the payload when the alert has none', () => {
    const mapped = mapGrafanaAlerts(
      payload(
        [{ labels: { ntma_target: 'swarm:a' }, status: 'resolved' }, { labels: { ntma_target: 'swarm:a' } }],
        'resolved',
      ),
    );
    expect(mapped.map((m) => m.signal?.firing)).toEqual([false, false]);
  });

  it('reads ntma_observed_at as unix seconds or ISO time; unreadable means stale', () => {
    const mapped = mapGrafanaAlerts(
      payload([
        { labels: { ntma_target: 'swarm:a' }, annotations: { ntma_observed_at: '1714564800' } },
        { labels: { ntma_target: 'swarm:a' }, annotations: { ntma_observed_at: '2024-05-01T11:00:00Z' } },
        { labels: { ntma_target: 'swarm:a' }, annotations: { ntma_observed_at: 'yesterday' } },
      ]),
    );
    expect(mapped.map((m) => m.signal?.observedAt)).toEqual([1714564800000, Date.UTC(2024, 4, 1, 11), 0]);
  });

  it('reads a missing or blank ntma_observed_at as unknown, never as now', () => {
    const mapped = mapGrafanaAlerts(
      payload([
        { labels: { ntma_target: 'swarm:a' }, values: { A: 1 } },
        { labels: { ntma_target: 'swarm:a' }, values: { A: 1 }, annotations: { ntma_observed_at: ' ' } },
      ]),
    );
    expect(mapped.map((m) => m.signal?.observedAt)).toEqual([null, null]);
  });
});

describe('replayKeyOf', () => {
  const alert = {
    status: 'firing',
    labels: { alertname: 'High', ntma_target: 'swarm:a' },
    fingerprint: 'f1',
    startsAt: '2024-05-01T11:58:00Z',
    annotations: { ntma_observed_at: '1714564680.000' },
  };

  it('is the same for every delivery of one observation of one alert', () => {
    expect(replayKeyOf({ ...alert }, 'firing')).toBe(replayKeyOf(alert, 'firing'));
    // Values are not part of it: Grafana may print them differently in two notifications.
    expect(replayKeyOf({ ...alert, values: { A: 2 } }, 'firing')).toBe(replayKeyOf(alert, 'firing'));
  });

  it('differs for another alert, start, status or sample time', () => {
    const key = replayKeyOf(alert, 'firing');
    expect(replayKeyOf({ ...alert, fingerprint: 'f2' }, 'firing')).not.toBe(key);
    expect(replayKeyOf({ ...alert, startsAt: '2024-05-01T12:30:00Z' }, 'firing')).not.toBe(key);
    expect(replayKeyOf({ ...alert, status: 'resolved' }, 'firing')).not.toBe(key);
    expect(replayKeyOf({ ...alert, annotations: { ntma_observed_at: '1714564695.000' } }, 'firing')).not.toBe(key);
  });

  it('identifies an alert without a fingerprint by its labels, in any order', () => {
    const { fingerprint: _f, ...bare } = alert;
    const reordered = { ...bare, labels: { ntma_target: 'swarm:a', alertname: 'High' } };
    expect(replayKeyOf(reordered, 'firing')).toBe(replayKeyOf(bare, 'firing'));
    expect(replayKeyOf({ ...bare, labels: { ...bare.labels, device: 'eth1' } }, 'firing')).not.toBe(
      replayKeyOf(bare, 'firing'),
    );
  });
});

describe('valueOf', () => {
  it('is null for Grafana no-data and error alerts, even with values', () => {
    expect(valueOf({ labels: { alertname: 'DatasourceNoData' }, values: { A: 1 } })).toBeNull();
    expect(valueOf({ labels: { alertname: 'DatasourceError' } })).toBeNull();
  });

  it('is null without any finite value', () => {
    expect(valueOf({ values: {} })).toBeNull();
    expect(valueOf({ values: { A: null, B: 'NaN' } })).toBeNull();
    expect(valueOf({})).toBeNull();
  });

  it("falls back to older Grafana's valueString", () => {
    expect(valueOf({ valueString: "[ var='B' labels={} value=14151.331895396988 ]" })).toBeCloseTo(14151.33, 2);
  });

  it("reads Alertmanager alerts' ntma_value annotation, as Go templates print numbers", () => {
    expect(valueOf({ annotations: { ntma_value: '0.75' } })).toBe(0.75);
    expect(valueOf({ annotations: { ntma_value: '1.2e+06' } })).toBe(1_200_000);
    expect(valueOf({ annotations: { ntma_value: '-1' } })).toBe(-1);
    // Grafana's own values win over the annotation.
    expect(valueOf({ values: { A: 3 }, annotations: { ntma_value: '9' } })).toBe(3);
  });

  it('reads an unprintable or non-finite ntma_value as missing, so the policy holds', () => {
    expect(valueOf({ annotations: { ntma_value: 'NaN' } })).toBeNull();
    expect(valueOf({ annotations: { ntma_value: '+Inf' } })).toBeNull();
    expect(valueOf({ annotations: { ntma_value: '' } })).toBeNull();
    expect(valueOf({ annotations: { ntma_value: '12 requests' } })).toBeNull();
    expect(valueOf({ labels: { alertname: 'DatasourceNoData' }, annotations: { ntma_value: '1' } })).toBeNull();
  });
});

describe('targetOf', () => {
  it('falls back to cadvisor container labels for Compose and Swarm', () => {
    expect(
      targetOf({
        labels: {
          container_label_com_docker_compose_project: 'shop',
          container_label_com_docker_compose_service: 'web',
        },
      }),
    ).toBe('compose:shop:web');
    expect(targetOf({ labels: { container_label_com_docker_swarm_service_name: 'api' } })).toBe('swarm:api');
  });
});
