import type { ProvisionedAlertRule } from '../../api/alertRules';
import { buildRule, emptyForm, formProblems, isNtmaRule, isReadOnly, readRule } from './ruleForm';

describe('alert rule form', () => {
  const form = { ...emptyForm('rx_bytes'), threshold: 0.995, pendingFor: '5m', severity: 'critical' as const };

  it("builds a rule that fires when the watcher's anomaly score stays above the threshold", () => {
    const rule = buildRule(form, 'ntma');

    expect(rule).toMatchObject({
      folderUID: 'ntma',
      ruleGroup: 'ntma-watchers',
      title: 'NTMA anomaly: rx_bytes',
      condition: 'C',
      for: '5m',
      noDataState: 'OK',
      labels: { ntma_watcher: 'rx_bytes', severity: 'critical' },
    });
    expect(rule.data[0]).toMatchObject({
      datasourceUid: 'prometheus',
      model: { expr: 'max by (watcher) (ntma_anomaly_score{watcher="rx_bytes"})' },
    });
    expect(rule.data[2]?.model.conditions).toEqual([{ evaluator: { type: 'gt', params: [0.995] } }]);
  });

  it('reads back what it built, and keeps uid, folder and other labels on update', () => {
    const existing = {
      ...buildRule(form, 'ntma'),
      uid: 'u1',
      folderUID: 'other',
      labels: { team: 'net', ntma_watcher: 'rx_bytes', severity: 'critical' },
    };
    expect(readRule(existing)).toEqual({ ...form, summary: form.summary });
    const updated = buildRule({ ...form, threshold: 0.9 }, 'ntma', existing);
    expect(updated).toMatchObject({ uid: 'u1', folderUID: 'other', labels: { team: 'net', ntma_watcher: 'rx_bytes' } });
    expect(readRule(updated)?.threshold).toBe(0.9);
  });

  it('names each invalid field', () => {
    expect(formProblems({ ...form, title: ' ', watcher: 'a b', threshold: 1.5, pendingFor: 'soon' })).toEqual({
      title: 'A title is required',
      watcher: 'Choose a watcher (letters, digits, _ . : -)',
      threshold: 'The threshold is a score between 0 and 1, e.g. 0.99',
      pendingFor: 'A duration such as 30s, 2m or 1h',
    });
    expect(formProblems(form)).toEqual({});
  });

  it('recognises NTMA rules by label or by their ntma_* query, and file rules as read-only', () => {
    const fileRule = {
      title: 'DDoS suspected',
      provenance: 'file',
      labels: {},
      data: [
        { refId: 'A', datasourceUid: 'prometheus', model: { expr: 'ntma_anomaly{kind="attack_suspected"} == 1' } },
      ],
    } as unknown as ProvisionedAlertRule;
    const other = {
      ...fileRule,
      provenance: '',
      data: [{ refId: 'A', datasourceUid: 'x', model: { expr: 'up == 0' } }],
    };
    expect(isNtmaRule(fileRule)).toBe(true);
    expect(isReadOnly(fileRule)).toBe(true);
    expect(isNtmaRule(other as ProvisionedAlertRule)).toBe(false);
    expect(readRule(fileRule)).toBeUndefined();
  });
});
