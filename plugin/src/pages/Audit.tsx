import React, { useCallback, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Input, Pagination, Stack, Tooltip, useStyles2 } from '@grafana/ui';
import { getAuditPage } from '../api/client';
import type { ActionStatus, AuditAction } from '@ntma/contract';
import { Section } from '../components/Section/Section';
import { tableStyles } from '../components/tableStyles';
import { testIds } from '../components/testIds';
import { useAsyncData } from '../hooks/useAsyncData';
import { ago, isoTime } from '../utils/format';

export const AUDIT_PAGE_SIZE = 25;

const STATUS_COLORS: Record<ActionStatus, 'green' | 'red' | 'orange' | 'blue' | 'purple' | 'darkgrey'> = {
  applied: 'green',
  failed: 'red',
  refused: 'orange',
  held: 'blue',
  in_progress: 'purple',
  unfinished: 'red',
};

function Audit() {
  const s = useStyles2(getStyles);
  const t = useStyles2(tableStyles);
  const [page, setPage] = useState(1);
  const [target, setTarget] = useState('');
  const load = useCallback(
    () => getAuditPage({ limit: AUDIT_PAGE_SIZE, offset: (page - 1) * AUDIT_PAGE_SIZE, target: target || undefined }),
    [page, target],
  );
  const audit = useAsyncData(load);
  const pages = audit.value ? Math.max(1, Math.ceil(audit.value.total / AUDIT_PAGE_SIZE)) : 1;

  return (
    <PluginPage>
      <div data-testid={testIds.audit.container}>
        <Stack gap={1} alignItems="center">
          <Input
            width={40}
            prefix="Target"
            placeholder="all targets, or e.g. compose:shop:web"
            value={target}
            onChange={(event) => {
              setTarget(event.currentTarget.value.trim());
              setPage(1);
            }}
            aria-label="Filter by target"
          />
        </Stack>
        <Section
          title="Scaling audit log"
          data={audit}
          isEmpty={(value) => value.items.length === 0}
          empty={target ? `No action recorded for ${target}.` : 'No scale action recorded yet.'}
        >
          {(value) => (
            <>
              {value.skippedLines.length > 0 && (
                <Alert
                  severity="warning"
                  title={`${value.skippedLines.length} line(s) of the audit log could not be read`}
                >
                  {value.skippedLines.map((l) => `line ${l.line}: ${l.reason}`).join('; ')}
                </Alert>
              )}
              <table className={t.table} data-testid={testIds.audit.table}>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Target</th>
                    <th>Status</th>
                    <th>Replicas</th>
                    <th>Who</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {value.items.map((action) => (
                    <AuditRow key={action.id} action={action} />
                  ))}
                </tbody>
              </table>
              <div className={s.pager}>
                <span className={s.secondary}>
                  {value.offset + 1}–{value.offset + value.items.length} of {value.total}
                </span>
                <Pagination currentPage={page} numberOfPages={pages} onNavigate={setPage} hideWhenSinglePage />
              </div>
            </>
          )}
        </Section>
      </div>
    </PluginPage>
  );
}

function AuditRow({ action }: { action: AuditAction }) {
  const s = useStyles2(getStyles);
  const when = action.finishedAt ?? action.acceptedAt;
  return (
    <tr data-testid={testIds.audit.row}>
      <td>
        <Tooltip content={isoTime(when) ?? 'unknown time'}>
          <span>{ago(when)}</span>
        </Tooltip>
      </td>
      <td className={s.mono}>{action.target}</td>
      <td>
        <Badge text={action.status.replace('_', ' ')} color={STATUS_COLORS[action.status]} />
        {action.dryRun && <div className={s.secondary}>dry run</div>}
        {action.detail && <div className={s.secondary}>{action.detail}</div>}
      </td>
      <td>
        {action.before ?? '?'} → {action.after ?? '?'}
      </td>
      <td>
        {action.who}
        <div className={s.secondary}>{action.source}</div>
      </td>
      <td>
        {action.reason}
        {action.alert?.kind && <div className={s.secondary}>alert kind {action.alert.kind}</div>}
        {action.notes?.map((note) => (
          <div key={note} className={s.secondary}>
            {note}
          </div>
        ))}
      </td>
    </tr>
  );
}

export default Audit;

const getStyles = (theme: GrafanaTheme2) => ({
  pager: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: theme.spacing(1) }),
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
});
