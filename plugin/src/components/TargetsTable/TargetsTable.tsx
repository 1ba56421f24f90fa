import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, Tooltip, useStyles2 } from '@grafana/ui';
import type { AuditAction, TargetView } from '@ntma/contract';
import { ago, isoTime } from '../../utils/format';
import { ScaleControls } from '../ScaleControls/ScaleControls';
import { testIds } from '../testIds';
import { tableStyles } from '../tableStyles';

export interface TargetsTableProps {
  targets: TargetView[];
  onScaled: () => void;
}

/** The scalable targets: replicas, limits, automatic mode, the last action, and the controls to scale each. */
export function TargetsTable({ targets, onScaled }: TargetsTableProps) {
  const s = useStyles2(getStyles);
  const t = useStyles2(tableStyles);
  return (
    <table className={t.table} data-testid={testIds.overview.targets}>
      <thead>
        <tr>
          <th>Target</th>
          <th>Replicas</th>
          <th>Limits</th>
          <th>Auto</th>
          <th>Last action</th>
          <th>Scale</th>
        </tr>
      </thead>
      <tbody>
        {targets.map((target) => (
          <tr key={target.id} data-testid={testIds.overview.targetRow} data-target={target.id}>
            <td>
              <div className={s.id}>{target.id}</div>
              <div className={s.secondary}>
                {target.backend} · {target.group ? `${target.group}/` : ''}
                {target.service}
              </div>
              {target.labelError && (
                <div className={s.error}>
                  <Icon name="exclamation-triangle" size="sm" /> {target.labelError}
                </div>
              )}
            </td>
            <td data-testid={testIds.overview.replicas}>
              <span className={target.running === target.desired ? undefined : s.converging}>
                {target.running}/{target.desired}
              </span>
              <div className={s.secondary}>running/desired</div>
            </td>
            <td>
              {target.limits.min}–{target.limits.max}
              <div className={s.secondary}>
                step {target.limits.step} · cooldown {target.limits.cooldownSeconds} s
              </div>
            </td>
            <td>
              <AutoBadge mode={target.auto.mode} />
              {target.auto.mode !== 'off' && target.auto.dryRun && (
                <div className={s.secondary}>shadow: records only</div>
              )}
            </td>
            <td>
              <LastAction action={target.lastAction} />
            </td>
            <td>
              <ScaleControls
                target={target.id}
                current={target.desired}
                limits={target.limits}
                origin="the NTMA overview"
                allowSet
                size="sm"
                onScaled={onScaled}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AutoBadge({ mode }: { mode: TargetView['auto']['mode'] }) {
  if (mode === 'on') {
    return <Badge text="On" color="green" />;
  }
  if (mode === 'dry-run') {
    return <Badge text="Dry run" color="blue" />;
  }
  return <Badge text="Off" color="darkgrey" />;
}

function LastAction({ action }: { action: AuditAction | null }) {
  const s = useStyles2(getStyles);
  if (!action) {
    return <span className={s.secondary}>none yet</span>;
  }
  const when = action.finishedAt ?? action.acceptedAt;
  return (
    <div>
      <span>
        {action.status} {action.before ?? '?'} → {action.after ?? '?'}
        {action.dryRun ? ' (dry run)' : ''}
      </span>
      <div className={s.secondary}>
        {action.who} via {action.source},{' '}
        <Tooltip content={isoTime(when) ?? 'unknown time'}>
          <span>{ago(when)}</span>
        </Tooltip>
      </div>
      {action.detail && <div className={s.secondary}>{action.detail}</div>}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  id: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
  converging: css({ color: theme.colors.warning.text }),
});
