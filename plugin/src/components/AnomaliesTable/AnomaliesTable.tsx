import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Tooltip, useStyles2 } from '@grafana/ui';
import type { AnomalyRecord } from '@ntma/contract';
import { ago, formatLabels, isoTime } from '../../utils/format';
import { KindBadge } from '../KindBadge/KindBadge';
import { tableStyles } from '../tableStyles';
import { testIds } from '../testIds';

/** Recent excursions the watchers saw: when, which series, what kind, how far out. */
export function AnomaliesTable({ anomalies }: { anomalies: AnomalyRecord[] }) {
  const s = useStyles2(getStyles);
  const t = useStyles2(tableStyles);
  return (
    <table className={t.table} data-testid={testIds.overview.anomalies}>
      <thead>
        <tr>
          <th>Started</th>
          <th>Kind</th>
          <th>Series</th>
          <th>Score</th>
          <th>Target</th>
        </tr>
      </thead>
      <tbody>
        {anomalies.map((a) => (
          <tr key={a.id} data-testid={testIds.overview.anomalyRow}>
            <td>
              <Tooltip content={isoTime(a.start) ?? ''}>
                <span>{ago(a.start)}</span>
              </Tooltip>
              <div className={s.secondary}>
                {a.end === null ? 'still open' : `lasted ${Math.round(a.end - a.start)} s`}
              </div>
            </td>
            <td>
              <KindBadge kind={a.kind} />
              {a.reasons.length > 0 && <div className={s.secondary}>{a.reasons.join('; ')}</div>}
            </td>
            <td>
              <div className={s.mono}>{formatLabels(a.labels)}</div>
              <div className={s.secondary}>watcher {a.watcher}</div>
            </td>
            <td>{a.score.toFixed(3)}</td>
            <td className={s.mono}>{a.target ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
});
