import {
  type AlertQuery,
  NTMA_RULE_GROUP,
  PROMETHEUS_UID,
  type ProvisionedAlertRule,
  WATCHER_LABEL,
} from '../../api/alertRules';

/** What the page's form edits: one rule that fires when a watcher's anomaly score stays high. */
export interface RuleForm {
  title: string;
  watcher: string;
  /** Fires when the score is above this, 0..1. */
  threshold: number;
  /** Pending period, a Grafana duration ("2m"). */
  pendingFor: string;
  severity: 'warning' | 'critical';
  summary: string;
}

export function emptyForm(watcher = ''): RuleForm {
  return {
    title: watcher ? `NTMA anomaly: ${watcher}` : '',
    watcher,
    threshold: 0.99,
    pendingFor: '2m',
    severity: 'warning',
    summary: '{{ $labels.watcher }} left its forecast band (score {{ $values.B.Value }})',
  };
}

/** The form's problems by field; empty when it can be saved. */
export function formProblems(form: RuleForm): Partial<Record<keyof RuleForm, string>> {
  const problems: Partial<Record<keyof RuleForm, string>> = {};
  if (form.title.trim() === '') {
    problems.title = 'A title is required';
  }
  if (!/^[A-Za-z0-9_.:-]+$/.test(form.watcher)) {
    problems.watcher = 'Choose a watcher (letters, digits, _ . : -)';
  }
  if (!(form.threshold > 0 && form.threshold < 1)) {
    problems.threshold = 'The threshold is a score between 0 and 1, e.g. 0.99';
  }
  if (!/^(\d+(ms|s|m|h|d))+$/.test(form.pendingFor)) {
    problems.pendingFor = 'A duration such as 30s, 2m or 1h';
  }
  return problems;
}

/** The PromQL the rule evaluates: the highest anomaly score across the watcher's series. */
export function scoreQuery(watcher: string): string {
  return `max by (watcher) (ntma_anomaly_score{watcher="${watcher}"})`;
}

/** The provisioning API's rule for a form: query A (Prometheus), B = last(A), C = B > threshold. */
export function buildRule(form: RuleForm, folderUID: string, existing?: ProvisionedAlertRule): ProvisionedAlertRule {
  const data: AlertQuery[] = [
    {
      refId: 'A',
      relativeTimeRange: { from: 600, to: 0 },
      datasourceUid: PROMETHEUS_UID,
      model: { refId: 'A', expr: scoreQuery(form.watcher), instant: true, range: false },
    },
    {
      refId: 'B',
      datasourceUid: '__expr__',
      model: { refId: 'B', type: 'reduce', expression: 'A', reducer: 'last' },
    },
    {
      refId: 'C',
      datasourceUid: '__expr__',
      model: {
        refId: 'C',
        type: 'threshold',
        expression: 'B',
        conditions: [{ evaluator: { type: 'gt', params: [form.threshold] } }],
      },
    },
  ];
  return {
    ...(existing?.uid ? { uid: existing.uid } : {}),
    folderUID: existing?.folderUID ?? folderUID,
    ruleGroup: existing?.ruleGroup ?? NTMA_RULE_GROUP,
    title: form.title.trim(),
    condition: 'C',
    data,
    // The sidecar exports no score while a watcher warms up; that is not an incident.
    noDataState: 'OK',
    execErrState: 'Error',
    for: form.pendingFor,
    labels: { ...(existing?.labels ?? {}), [WATCHER_LABEL]: form.watcher, severity: form.severity },
    annotations: { ...(existing?.annotations ?? {}), summary: form.summary },
    isPaused: existing?.isPaused ?? false,
  };
}

/** The form for an existing rule made here; undefined for rules of another shape (shown, not editable here). */
export function readRule(rule: ProvisionedAlertRule): RuleForm | undefined {
  const watcher = rule.labels?.[WATCHER_LABEL];
  const threshold = rule.data.find((q) => q.refId === 'C')?.model.conditions as
    Array<{ evaluator?: { params?: number[] } }> | undefined;
  const value = threshold?.[0]?.evaluator?.params?.[0];
  if (watcher === undefined || typeof value !== 'number') {
    return undefined;
  }
  return {
    title: rule.title,
    watcher,
    threshold: value,
    pendingFor: rule.for,
    severity: rule.labels?.severity === 'critical' ? 'critical' : 'warning',
    summary: rule.annotations?.summary ?? '',
  };
}

/** Rules about NTMA: made here (watcher label) or reading the sidecar's ntma_* series. */
export function isNtmaRule(rule: ProvisionedAlertRule): boolean {
  if (rule.labels?.[WATCHER_LABEL] !== undefined) {
    return true;
  }
  return rule.data.some((q) => typeof q.model.expr === 'string' && /\bntma_/.test(q.model.expr));
}

/** Rules provisioned from files can only be changed in those files. */
export function isReadOnly(rule: ProvisionedAlertRule): boolean {
  return rule.provenance === 'file';
}
