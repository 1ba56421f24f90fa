import React, { useCallback, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, ConfirmModal, Stack, useStyles2 } from '@grafana/ui';
import {
  createAlertRule,
  deleteAlertRule,
  ensureNtmaFolder,
  listAlertRules,
  type ProvisionedAlertRule,
  updateAlertRule,
  WATCHER_LABEL,
} from '../api/alertRules';
import { listWatchers } from '../api/client';
import { toSidecarError } from '../api/http';
import { Section } from '../components/Section/Section';
import { tableStyles } from '../components/tableStyles';
import { testIds } from '../components/testIds';
import { useAsyncData } from '../hooks/useAsyncData';
import { ACTIONS, userCan } from '../permissions';
import { RuleEditor } from './alertRules/RuleEditor';
import { buildRule, emptyForm, isNtmaRule, isReadOnly, readRule, type RuleForm } from './alertRules/ruleForm';

type Editing = { rule?: ProvisionedAlertRule; form: RuleForm } | undefined;

const loadNtmaRules = async () => (await listAlertRules()).filter(isNtmaRule);
// Watchers only fill the picker; without them a watcher name can still be typed.
const loadWatchers = () => listWatchers().catch(() => []);

function AlertRules() {
  const s = useStyles2(getStyles);
  const t = useStyles2(tableStyles);
  const rules = useAsyncData(loadNtmaRules);
  const watchers = useAsyncData(loadWatchers);
  const [editing, setEditing] = useState<Editing>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [deleting, setDeleting] = useState<ProvisionedAlertRule>();
  const [deleteError, setDeleteError] = useState<string>();
  // Viewers see the rules; editing them is the Operator role's (Editors by default).
  const canEdit = userCan(ACTIONS.alertRulesWrite);

  const save = useCallback(
    async (form: RuleForm) => {
      setSaving(true);
      setSaveError(undefined);
      try {
        const existing = editing?.rule;
        if (existing?.uid) {
          await updateAlertRule(existing.uid, buildRule(form, existing.folderUID, existing));
        } else {
          await createAlertRule(buildRule(form, await ensureNtmaFolder()));
        }
        setEditing(undefined);
        rules.reload();
      } catch (error) {
        setSaveError(toSidecarError(error).message);
      } finally {
        setSaving(false);
      }
    },
    [editing, rules],
  );

  const remove = async (rule: ProvisionedAlertRule) => {
    setDeleting(undefined);
    setDeleteError(undefined);
    try {
      await deleteAlertRule(rule.uid!);
      rules.reload();
    } catch (error) {
      setDeleteError(`Deleting "${rule.title}" failed: ${toSidecarError(error).message}`);
    }
  };

  return (
    <PluginPage>
      <div data-testid={testIds.alertRules.container}>
        <p className={s.intro}>
          Grafana alert rules on the sidecar&apos;s <code>ntma_anomaly_score</code> series, one per watcher. Rules
          provisioned from files are shown read-only: change them in their files.
        </p>
        {canEdit && !editing && (
          <Button icon="plus" onClick={() => setEditing({ form: emptyForm() })} data-testid={testIds.alertRules.create}>
            New alert rule
          </Button>
        )}
        {canEdit && editing && (
          <RuleEditor
            key={editing.rule?.uid ?? 'new'}
            initial={editing.form}
            watchers={watchers.value ?? []}
            isNew={!editing.rule}
            saving={saving}
            error={saveError}
            onSave={save}
            onCancel={() => {
              setEditing(undefined);
              setSaveError(undefined);
            }}
          />
        )}
        {deleteError && (
          <Alert severity="error" title="Rule not deleted" onRemove={() => setDeleteError(undefined)}>
            {deleteError}
          </Alert>
        )}
        <Section
          title="NTMA alert rules"
          data={rules}
          isEmpty={(list) => list.length === 0}
          empty="No alert rule reads the sidecar's series yet. Create one for a watcher above."
        >
          {(list) => (
            <table className={t.table} data-testid={testIds.alertRules.table}>
              <thead>
                <tr>
                  <th>Title</th>
                  <th>Watcher</th>
                  <th>Pending</th>
                  <th>Source</th>
                  {canEdit && <th />}
                </tr>
              </thead>
              <tbody>
                {list.map((rule) => {
                  const form = readRule(rule);
                  const readOnly = isReadOnly(rule);
                  return (
                    <tr key={rule.uid ?? rule.title} data-testid={testIds.alertRules.row}>
                      <td>
                        {rule.title}
                        <div className={s.secondary}>
                          {rule.ruleGroup}
                          {form ? ` · score > ${form.threshold}` : ''}
                        </div>
                      </td>
                      <td>{rule.labels?.[WATCHER_LABEL] ?? '—'}</td>
                      <td>{rule.for}</td>
                      <td>
                        {readOnly ? (
                          <Badge text="File (read-only)" color="darkgrey" icon="lock" />
                        ) : (
                          <Badge text="API" color="blue" />
                        )}
                      </td>
                      {canEdit && (
                        <td>
                          <Stack gap={1} justifyContent="flex-end">
                            <Button
                              size="sm"
                              variant="secondary"
                              icon="pen"
                              disabled={readOnly || !form}
                              tooltip={
                                readOnly
                                  ? 'Provisioned from a file'
                                  : !form
                                    ? 'Not made here; edit it in Grafana'
                                    : undefined
                              }
                              onClick={() => form && setEditing({ rule, form })}
                            >
                              Edit
                            </Button>
                            <Button
                              size="sm"
                              variant="destructive"
                              icon="trash-alt"
                              disabled={readOnly || !rule.uid}
                              onClick={() => setDeleting(rule)}
                              aria-label={`Delete ${rule.title}`}
                            >
                              Delete
                            </Button>
                          </Stack>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Section>
        {deleting && (
          <ConfirmModal
            isOpen
            title="Delete alert rule?"
            body={`"${deleting.title}" will stop alerting and be removed from Grafana.`}
            confirmText="Delete"
            onConfirm={() => remove(deleting)}
            onDismiss={() => setDeleting(undefined)}
          />
        )}
      </div>
    </PluginPage>
  );
}

export default AlertRules;

const getStyles = (theme: GrafanaTheme2) => ({
  intro: css({ color: theme.colors.text.secondary, maxWidth: 720 }),
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
