import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config.js';
import {
  DEFAULT_WATCHERS_FILE,
  loadWatchConfig,
  parseWatchConfig,
  WatchConfigError,
  type ConfigIssue,
} from './config.js';

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseWatchConfig(text, 'w.yml');
  } catch (error) {
    if (error instanceof WatchConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

const valid = `defaults:
  step: 30s
  train: 2h
watchers:
  - name: rx
    expr: sum by (instance) (rate(node_network_receive_bytes_total[1m]))
    role: bytes
    target: compose:{{project}}:{{service}}
    signals:
      packets: sum by (instance) (rate(node_network_receive_packets_total[1m]))
  - name: demo
    expr: sum(rate(http_requests_total[1m]))
    step: 1m
    train: 1d
    sensitivity: high
    max_series: 5
`;

describe('watchers file', () => {
  it('reads watchers with their own settings over the defaults', () => {
    const config = parseWatchConfig(valid, 'w.yml');
    expect(config.watchers).toHaveLength(2);
    const [rx, demo] = config.watchers;
    expect(rx).toMatchObject({
      name: 'rx',
      stepSeconds: 30,
      trainSeconds: 7200,
      sensitivity: 'medium',
      confidence: 0.99,
      role: 'bytes',
      target: 'compose:{{project}}:{{service}}',
      signals: { packets: 'sum by (instance) (rate(node_network_receive_packets_total[1m]))' },
      line: 5,
    });
    expect(demo).toMatchObject({ stepSeconds: 60, trainSeconds: 86400, confidence: 0.95, maxSeries: 5, role: 'other' });
  });

  it('names the line, column and field of a bad duration', () => {
    const issues = issuesOf(valid.replace('step: 1m', 'step: fast'));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 13,
        column: 11,
        field: 'watchers[1].step',
        message: expect.stringContaining('"fast"'),
      }),
    ]);
  });

  it('reports every problem at once, each with its own line', () => {
    const text = `watchers:
  - name: a
    expr: up
    stpe: 15s
  - expr: up
  - name: a
    expr: up
    sensitivity: extreme
    role: flows
`;
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [4, 'watchers[0].stpe'],
      [5, 'watchers[1].name'],
      [8, 'watchers[2].sensitivity'],
      [9, 'watchers[2].role'],
    ]);
    expect(issues[0]!.message).toMatch(/unknown field; expected one of name, expr/);
    expect(issues[1]!.message).toBe('is required');
  });

  it('refuses a duplicate name, pointing at the second one', () => {
    const issues = issuesOf('watchers:\n  - name: a\n    expr: up\n  - name: a\n    expr: up\n');
    expect(issues).toEqual([
      expect.objectContaining({ line: 4, field: 'watchers[1].name', message: '"a" is already used by watchers[0]' }),
    ]);
  });

  it('refuses a training window that is too short or too long for the step', () => {
    const short = issuesOf('watchers:\n  - name: a\n    expr: up\n    step: 1m\n    train: 5m\n');
    expect(short).toEqual([
      expect.objectContaining({
        line: 5,
        field: 'watchers[0].train',
        message: expect.stringMatching(/is 5 points; keep it within 10\.\.10080/),
      }),
    ]);
    const long = issuesOf('watchers:\n  - name: a\n    expr: up\n    step: 1s\n    train: 7d\n');
    expect(long[0]).toMatchObject({ field: 'watchers[0].train' });
  });

  it('refuses a step that is not whole seconds', () => {
    expect(issuesOf('watchers:\n  - name: a\n    expr: up\n    step: 1500ms\n')[0]).toMatchObject({
      line: 4,
      field: 'watchers[0].step',
      message: 'must be whole seconds in 1s..1h, got 1s500ms',
    });
  });

  it('refuses a target template naming something that is not a label', () => {
    const issues = issuesOf('watchers:\n  - name: a\n    expr: up\n    target: "svc:{{ not-a-label }}"\n');
    expect(issues[0]).toMatchObject({ line: 4, field: 'watchers[0].target' });
  });

  it('refuses unknown signal roles and empty expressions', () => {
    const issues = issuesOf('watchers:\n  - name: a\n    expr: ""\n    signals:\n      flows: up\n      bytes:\n');
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [3, 'watchers[0].expr'],
      [5, 'watchers[0].signals.flows'],
      [6, 'watchers[0].signals.bytes'],
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const issues = issuesOf('watchers:\n  - name: a\n    expr: [unclosed\n');
    expect(issues[0]).toMatchObject({ field: '(yaml)' });
    expect(issues[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('says a file without watchers needs them', () => {
    expect(issuesOf('defaults:\n  step: 15s\n')).toEqual([
      expect.objectContaining({ field: 'watchers', message: 'is required (a list of watchers)' }),
    ]);
    expect(issuesOf('watchers: {}\n')[0]).toMatchObject({ field: 'watchers', message: 'expected a list' });
  });

  it('is a ConfigError naming NTMA_WATCHERS with file:line:col in its message', () => {
    try {
      parseWatchConfig('watchers:\n  - name: a\n    expr: up\n    step: 5\n', '/etc/ntma/w.yml');
      throw new Error('not rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('NTMA_WATCHERS');
      expect((error as Error).message).toContain('/etc/ntma/w.yml:4:11 watchers[0].step: expected a duration');
    }
  });

  it('loads a file from disk and says so when it cannot', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ntma-watchers-'));
    try {
      const file = path.join(dir, 'w.yml');
      writeFileSync(file, valid);
      expect(loadWatchConfig(file).source).toBe(file);
      expect(() => loadWatchConfig(path.join(dir, 'missing.yml'))).toThrow(
        /cannot read watchers file .*missing\.yml \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships defaults that validate', () => {
    const config = loadWatchConfig(undefined);
    expect(config.source).toBe(DEFAULT_WATCHERS_FILE);
    expect(config.watchers.map((w) => w.name)).toEqual([
      'host_rx_bytes',
      'host_rx_packets',
      'host_tx_bytes',
      'host_tx_packets',
      'container_rx_bytes',
      'container_tx_bytes',
      'demo_request_rate',
    ]);
  });
});
