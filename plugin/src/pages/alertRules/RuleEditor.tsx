import React, { useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Combobox, Field, Input, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import type { WatcherView } from '@ntma/contract';
import { testIds } from '../../components/testIds';
import { formProblems, type RuleForm } from './ruleForm';

export interface RuleEditorProps {
  initial: RuleForm;
  watchers: WatcherView[];
  isNew: boolean;
  saving: boolean;
  error?: string;
  onSave: (form: RuleForm) => void;
  onCancel: () => void;
}

/** Create or edit one watcher alert rule; problems are named next to their fields before anything is sent. */
export function RuleEditor({ initial, watchers, isNew, saving, error, onSave, onCancel }: RuleEditorProps) {
  const s = useStyles2(getStyles);
  const [form, setForm] = useState(initial);
  const [touched, setTouched] = useState(false);
  const problems = formProblems(form);
  const invalid = Object.keys(problems).length > 0;
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  return (
    <form
      className={s.card}
      data-testid={testIds.alertRules.editor}
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (!invalid) {
          onSave(form);
        }
      }}
    >
      <h4>{isNew ? 'New alert rule' : `Edit "${initial.title}"`}</h4>
      <Field
        label="Watcher"
        htmlFor="ntma-rule-watcher"
        invalid={touched && !!problems.watcher}
        error={problems.watcher}
      >
        <Combobox
          id="ntma-rule-watcher"
          width={40}
          value={form.watcher || null}
          createCustomValue
          placeholder="Choose a watcher"
          options={watchers.map((w) => ({ value: w.name, label: w.name, description: w.expr }))}
          onChange={(option) => {
            const watcher = option?.value ?? '';
            setForm((f) => ({
              ...f,
              watcher,
              title: f.title === '' || f.title === `NTMA anomaly: ${f.watcher}` ? `NTMA anomaly: ${watcher}` : f.title,
            }));
          }}
        />
      </Field>
      <Field label="Title" invalid={touched && !!problems.title} error={problems.title}>
        <Input width={60} value={form.title} onChange={(e) => set('title', e.currentTarget.value)} aria-label="Title" />
      </Field>
      <Stack gap={2}>
        <Field
          label="Score above"
          description="The watcher's anomaly score (0–1); 0.99 fires on rare excursions."
          invalid={touched && !!problems.threshold}
          error={problems.threshold}
        >
          <Input
            width={12}
            type="number"
            step="0.001"
            value={String(form.threshold)}
            onChange={(e) => set('threshold', Number(e.currentTarget.value))}
            aria-label="Score above"
          />
        </Field>
        <Field
          label="For"
          description="How long the score must stay above it."
          invalid={touched && !!problems.pendingFor}
          error={problems.pendingFor}
        >
          <Input
            width={12}
            value={form.pendingFor}
            onChange={(e) => set('pendingFor', e.currentTarget.value.trim())}
            aria-label="For"
          />
        </Field>
        <Field label="Severity">
          <RadioButtonGroup<RuleForm['severity']>
            value={form.severity}
            options={[
              { value: 'warning', label: 'Warning' },
              { value: 'critical', label: 'Critical' },
            ]}
            onChange={(value) => set('severity', value)}
          />
        </Field>
      </Stack>
      <Field label="Summary" description="Annotation sent with the alert; Grafana templating works.">
        <Input
          width={80}
          value={form.summary}
          onChange={(e) => set('summary', e.currentTarget.value)}
          aria-label="Summary"
        />
      </Field>
      {error && (
        <Alert severity="error" title="Grafana did not save the rule">
          {error}
        </Alert>
      )}
      <Stack gap={1}>
        <Button type="submit" disabled={saving || (touched && invalid)} data-testid={testIds.alertRules.save}>
          {saving ? 'Saving…' : isNew ? 'Create rule' : 'Save rule'}
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    padding: theme.spacing(2),
    marginBottom: theme.spacing(3),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
});
