import type { AnomalyRecord, AuditAction, TargetView } from '@ntma/contract';

export function targetView(overrides: Partial<TargetView> = {}): TargetView {
  return {
    id: 'compose:shop:web',
    backend: 'compose',
    service: 'web',
    group: 'shop',
    desired: 2,
    running: 2,
    limits: { min: 1, max: 4, step: 1, cooldownSeconds: 60 },
    auto: { mode: 'off', dryRun: false, attackMax: 4 },
    lastAction: null,
    policy: {
      action: 'hold',
      code: 'steady',
      reason: 'demand fits the current replicas',
      dryRun: true,
      notes: [],
      inputs: {
        actual: 100,
        forecastPeak: 120,
        forecastPeakWindow: 120,
        recentPeak: 110,
        demand: 120,
        capacity: null,
        desired: null,
        bounds: { min: 1, max: 4, step: 1, cooldownSeconds: 60, attackCap: 4 },
        anomaly: { kind: null, attack: false },
      },
    },
    ...overrides,
  };
}

export function auditAction(overrides: Partial<AuditAction> = {}): AuditAction {
  return {
    id: 'a1',
    target: 'compose:shop:web',
    status: 'applied',
    who: 'admin',
    source: 'panel',
    reason: 'manual, from the NTMA overview',
    before: 1,
    after: 2,
    dryRun: false,
    acceptedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    ...overrides,
  };
}

export function anomalyRecord(overrides: Partial<AnomalyRecord> = {}): AnomalyRecord {
  return {
    id: 1,
    watcher: 'rx_bytes',
    labels: { device: 'eth0' },
    target: 'compose:shop:web',
    kind: 'spike',
    direction: 1,
    score: 0.9991,
    start: 1_700_000_000,
    end: null,
    peak: { t: 1_700_000_000, value: 10, forecast: 5, lower: 4, upper: 6 },
    reasons: [],
    ...overrides,
  };
}
