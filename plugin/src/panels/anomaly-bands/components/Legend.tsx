import React from 'react';
import { css, cx } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Icon, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { type ExcursionKind, KIND_COLORS, KIND_LABELS } from '@ntma/contract';
import { testIds } from '../../../components/testIds';

export interface LegendItem {
  key: string;
  name: string;
  color: string;
  /** e.g. "mstl[288]+arima(1,1,1)"; undefined while bands load. */
  model?: string;
  /** Why this series has no band. */
  error?: string;
  hasBand: boolean;
  showBand: boolean;
}

export interface LegendProps {
  items: LegendItem[];
  kinds: ExcursionKind[];
  onToggleBand: (key: string) => void;
}

/** Series names (click one to show or hide its band) and the kinds of anomaly marked. */
export function Legend({ items, kinds, onToggleBand }: LegendProps) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  return (
    <div className={s.legend} data-testid={testIds.panel.legend}>
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          className={cx(s.item, !item.showBand && s.bandHidden)}
          aria-pressed={item.showBand}
          disabled={!item.hasBand}
          title={item.hasBand ? `${item.showBand ? 'Hide' : 'Show'} the band of ${item.name}` : undefined}
          onClick={() => onToggleBand(item.key)}
          data-testid={testIds.panel.legendItem}
        >
          <span className={s.swatch} style={{ background: item.color }} />
          {item.name}
          {item.model && <span className={s.model}>{item.model}</span>}
          {item.error && (
            <Tooltip content={item.error}>
              <span className={s.warning} aria-label={`No band: ${item.error}`}>
                <Icon name="exclamation-triangle" size="sm" />
              </span>
            </Tooltip>
          )}
        </button>
      ))}
      {kinds.map((kind) => (
        <span key={kind} className={s.kind}>
          <span className={s.dot} style={{ background: theme.visualization.getColorByName(KIND_COLORS[kind]) }} />
          {KIND_LABELS[kind]}
        </span>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    alignItems: 'center',
    fontSize: theme.typography.bodySmall.fontSize,
    paddingTop: theme.spacing(0.5),
  }),
  item: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.primary,
    cursor: 'pointer',
    '&:disabled': { cursor: 'default' },
  }),
  bandHidden: css({ color: theme.colors.text.disabled }),
  swatch: css({ width: 14, height: 4, borderRadius: 2 }),
  model: css({ color: theme.colors.text.secondary }),
  warning: css({ color: theme.colors.warning.text, display: 'inline-flex' }),
  kind: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.colors.text.secondary,
  }),
  dot: css({ width: 8, height: 8, borderRadius: '50%' }),
});
