import { DEFAULT_LIMITS, parseDurationSeconds, readScaleLabels, scaleLabelConflict } from './labels.js';

const LEARN = {
  'ntma.scale.capacity': 'learn',
  'ntma.scale.learn-signal': 'sum(rate(http_requests_total[1m]))',
  'ntma.scale.learn-replicas': 'count(up{job="web"} == 1)',
  'ntma.scale.learn-health': 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))',
  'ntma.scale.learn-healthy-below': '0.25',
};

describe('readScaleLabels', () => {
  it('is not enabled without ntma.scale.enabled=true, and uses the documented defaults', () => {
    const reading = readScaleLabels({});
    expect(reading).toEqual({
      ok: true,
      settings: { enabled: false, limits: DEFAULT_LIMITS, auto: 'off', attackMax: null, capacity: null },
    });
    expect(DEFAULT_LIMITS).toEqual({ min: 1, max: 10, step: 1, cooldownSeconds: 300 });
  });

  it('reads every label', () => {
    const reading = readScaleLabels({
      'ntma.scale.enabled': 'TRUE',
      'ntma.scale.min': '2',
      'ntma.scale.max': '8',
      'ntma.scale.step': '3',
      'ntma.scale.cooldown': '5m',
      'ntma.scale.auto': 'dry-run',
      'ntma.scale.attack-max': '4',
    });
    expect(reading).toEqual({
      ok: true,
      settings: {
        enabled: true,
        limits: { min: 2, max: 8, step: 3, cooldownSeconds: 300 },
        auto: 'dry-run',
        attackMax: 4,
        capacity: null,
      },
    });
  });

  it('reads the capacity model with its defaults, and none without ntma.scale.capacity', () => {
    const reading = readScaleLabels({ 'ntma.scale.enabled': 'true', 'ntma.scale.capacity': '50' });
    expect(reading.ok && reading.settings.capacity).toEqual({
      perReplica: 50,
      utilisation: 0.7,
      leadSeconds: 60,
      stabilisationSeconds: 300,
      selector: {},
      origin: 'label ntma.scale.capacity',
    });
    const full = readScaleLabels({
      'ntma.scale.capacity': '12.5',
      'ntma.scale.utilisation': '0.6',
      'ntma.scale.lead': '2m',
      'ntma.scale.stabilisation': '10m',
      'ntma.scale.watcher': 'demo_request_rate',
      'ntma.scale.series': 'job=web, instance=a:80',
    });
    expect(full.ok && full.settings.capacity).toEqual({
      perReplica: 12.5,
      utilisation: 0.6,
      leadSeconds: 120,
      stabilisationSeconds: 600,
      selector: { watcher: 'demo_request_rate', match: { job: 'web', instance: 'a:80' } },
      origin: 'label ntma.scale.capacity',
    });
    expect(readScaleLabels({ 'ntma.scale.utilisation': '0.5' }).settings.capacity).toBeNull();
  });

  it.each([
    [{ 'ntma.scale.capacity': 'lots' }, /ntma\.scale\.capacity: expected a positive number/],
    [{ 'ntma.scale.capacity': '0' }, /ntma\.scale\.capacity: expected a positive number/],
    [{ 'ntma.scale.capacity': '5', 'ntma.scale.utilisation': '1.5' }, /ntma\.scale\.utilisation: expected 0\.05\.\.1/],
    [{ 'ntma.scale.capacity': '5', 'ntma.scale.lead': 'soon' }, /ntma\.scale\.lead/],
    [{ 'ntma.scale.capacity': '5', 'ntma.scale.series': 'job' }, /ntma\.scale\.series: expected name=value/],
    [{ 'ntma.scale.capacity': 'learn' }, /ntma\.scale\.capacity=learn needs ntma\.scale\.learn-healthy-below/],
    [{ ...LEARN, 'ntma.scale.learn-health': '' }, /needs ntma\.scale\.learn-health:/],
    [{ ...LEARN, 'ntma.scale.learn-healthy-below': 'fast' }, /learn-healthy-below: expected a positive number/],
    [{ ...LEARN, 'ntma.scale.learn-window': '30d' }, /learn-window: .*at most 7 days/],
    [{ ...LEARN, 'ntma.scale.learn-window': '10m' }, /learn-window: at least 1h/],
  ])('refuses a malformed capacity label %o', (labels, message) => {
    const reading = readScaleLabels({ 'ntma.scale.enabled': 'true', ...labels });
    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.error).toMatch(message);
  });

  it('reads the learn-* labels without a capacity as a ceiling for the alert-driven policy (scl25)', () => {
    const { 'ntma.scale.capacity': _learn, ...ceiling } = LEARN;
    const reading = readScaleLabels({ 'ntma.scale.enabled': 'true', ...ceiling });
    expect(reading.ok && reading.settings.capacity).toBeNull();
    expect(reading.ok && reading.settings.learnCeiling).toEqual({
      signal: 'sum(rate(http_requests_total[1m]))',
      replicas: 'count(up{job="web"} == 1)',
      health: LEARN['ntma.scale.learn-health'],
      healthyBelow: 0.25,
      windowSeconds: 86_400,
    });
    // With a capacity, the learn-* labels are the capacity's (or unused): no ceiling.
    const learnt = readScaleLabels({ 'ntma.scale.enabled': 'true', ...LEARN });
    expect(learnt.ok && learnt.settings).not.toHaveProperty('learnCeiling');
    const partial = readScaleLabels({ 'ntma.scale.enabled': 'true', ...ceiling, 'ntma.scale.learn-replicas': ' ' });
    expect(partial.ok).toBe(false);
    expect(!partial.ok && partial.error).toMatch(
      /ntma\.scale\.learn-\* labels\) needs ntma\.scale\.learn-replicas: without it there is nothing to learn from/,
    );
    const window = readScaleLabels({ 'ntma.scale.enabled': 'true', 'ntma.scale.learn-window': '2h' });
    expect(!window.ok && window.error).toMatch(/needs ntma\.scale\.learn-healthy-below/);
  });

  it('reads a capacity to learn from history, with a one-day window by default', () => {
    const reading = readScaleLabels({ 'ntma.scale.enabled': 'true', ...LEARN });
    expect(reading.ok && reading.settings.capacity).toMatchObject({
      perReplica: 0,
      learn: {
        signal: 'sum(rate(http_requests_total[1m]))',
        replicas: 'count(up{job="web"} == 1)',
        health: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))',
        healthyBelow: 0.25,
        windowSeconds: 86_400,
      },
    });
    const week = readScaleLabels({ ...LEARN, 'ntma.scale.learn-window': '7d' });
    expect(week.ok && week.settings.capacity?.learn?.windowSeconds).toBe(7 * 86_400);
  });

  it('raises the default max to a min above it', () => {
    const reading = readScaleLabels({ 'ntma.scale.enabled': 'true', 'ntma.scale.min': '12' });
    expect(reading.ok && reading.settings.limits).toMatchObject({ min: 12, max: 12 });
  });

  it.each([
    [{ 'ntma.scale.max': 'ten' }, /ntma\.scale\.max: expected a whole number/],
    [{ 'ntma.scale.min': '5', 'ntma.scale.max': '3' }, /ntma\.scale\.max: 3 is below ntma\.scale\.min 5/],
    [{ 'ntma.scale.step': '0' }, /ntma\.scale\.step: expected 1\.\./],
    [{ 'ntma.scale.max': '5000' }, /ntma\.scale\.max: expected 1\.\.1000/],
    [{ 'ntma.scale.cooldown': 'soon' }, /ntma\.scale\.cooldown/],
    [{ 'ntma.scale.auto': 'maybe' }, /ntma\.scale\.auto: expected off, dry-run or on/],
  ])('refuses malformed labels %j with a message naming the label', (labels, message) => {
    const reading = readScaleLabels({ 'ntma.scale.enabled': 'true', ...labels });
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.error).toMatch(message);
    expect(reading.settings.enabled).toBe(true);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1d', 86400],
    ['0', 0],
  ])('reads %s as %d seconds', (raw, seconds) => {
    expect(parseDurationSeconds(raw)).toBe(seconds);
  });

  it('rejects anything else, and fractions of a second', () => {
    expect(parseDurationSeconds('5 minutes')).toBeUndefined();
    expect(parseDurationSeconds('250ms')).toBeUndefined();
    expect(parseDurationSeconds('-5')).toBeUndefined();
  });
});

describe('scaleLabelConflict', () => {
  const limits = { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '1', 'ntma.scale.max': '5' };

  it('accepts replicas that carry the same ntma.scale.* labels, whatever their other labels', () => {
    expect(
      scaleLabelConflict([
        { name: 'web-1', labels: { ...limits, 'com.docker.compose.container-number': '1' } },
        { name: 'web-2', labels: { ...limits, 'com.docker.compose.container-number': '2' } },
      ]),
    ).toBeUndefined();
    expect(scaleLabelConflict([])).toBeUndefined();
  });

  it('names the label and both replicas when a newer one opts in alone', () => {
    expect(
      scaleLabelConflict([
        { name: 'web-1', labels: {} },
        { name: 'web-2', labels: {} },
        { name: 'web-9', labels: { 'ntma.scale.enabled': 'true', 'ntma.scale.min': '0' } },
      ]),
    ).toBe(
      'replicas disagree on ntma.scale.enabled: unset on web-1, "true" on web-9; every replica must carry the same ntma.scale.* labels',
    );
  });

  it('refuses replicas that differ on any limit, not only on opt-in', () => {
    for (const [name, value] of [
      ['ntma.scale.min', '0'],
      ['ntma.scale.max', '50'],
      ['ntma.scale.step', '4'],
      ['ntma.scale.cooldown', '1s'],
      ['ntma.scale.auto', 'on'],
      ['ntma.scale.attack-max', '9'],
    ] as const) {
      const conflict = scaleLabelConflict([
        { name: 'web-1', labels: limits },
        { name: 'web-2', labels: { ...limits, [name]: value } },
      ]);
      expect(conflict).toContain(`replicas disagree on ${name}:`);
      expect(conflict).toContain(`"${value}" on web-2`);
    }
  });
});
