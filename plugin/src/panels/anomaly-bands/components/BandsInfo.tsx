import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Icon, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { type ExcursionKind, KIND_COLORS, KIND_LABELS } from '@ntma/contract';
import { testIds } from '../../../components/testIds';

export interface BandsInfoItem {
  key: string;
  name: string;
  /** e.g. "mstl[288]+arima(1,1,1)"; undefined while bands load. */
  model?: string;
  /** Why this series has no band. */
  error?: string;
}

export interface BandsInfoProps {
  items: BandsInfoItem[];
  kinds: ExcursionKind[];
}

/**
 * What Grafana's legend above does not say: the kinds of anomaly marked (in their colours), the model behind each
 * band, and why a series has none. Showing and hiding series is the legend's job.
 */
export function BandsInfo({ items, kinds }: BandsInfoProps) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  return (
    <div className={s.info} data-testid={testIds.panel.legend}>
      {kinds.map((kind) => (
        <span key={kind} className={s.item}>
          <span className={s.dot} style={{ background: theme.visualization.getColorByName(KIND_COLORS[kind]) }} />
          {KIND_LABELS[kind]}
        </span>
      ))}
      {items.map((item) => (
        <span key={item.key} className={s.item} data-testid={testIds.panel.legendItem}>
          {item.name}
          {item.model && !item.error && <span className={s.model}>{item.model}</span>}
          {item.error && (
            <Tooltip content={item.error}>
              <span className={s.warning} aria-label={`No band: ${item.error}`}>
                <Icon name="exclamation-triangle" size="sm" /> no band
              </span>
            </Tooltip>
          )}
        </span>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  info: css({
    display: 'flex',
    flexWrap: 'nowrap',
    overflow: 'hidden',
    gap: theme.spacing(1.5),
    alignItems: 'center',
    height: 22,
    flexShrink: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
  }),
  item: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  model: css({ color: theme.colors.text.disabled }),
  warning: css({ color: theme.colors.warning.text, display: 'inline-flex', gap: 2, alignItems: 'center' }),
  dot: css({ width: 8, height: 8, borderRadius: '50%' }),
});
