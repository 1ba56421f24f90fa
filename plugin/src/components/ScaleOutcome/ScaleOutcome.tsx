import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Spinner, useStyles2 } from '@grafana/ui';
import type { ScaleOutcome as Outcome } from '../../hooks/useScale';
import { testIds } from '../testIds';

export interface ScaleOutcomeProps {
  outcome: Outcome;
  onDismiss?: () => void;
  /** One line (a panel header): errors as red text with the full message on hover, not as an alert box. */
  compact?: boolean;
}

/** The result of the last scale action, inline where the user pressed the button. */
export function ScaleOutcome({ outcome, onDismiss, compact }: ScaleOutcomeProps) {
  const s = useStyles2(getStyles);
  if (compact && outcome.state === 'failed') {
    const text = `Scaling ${outcome.target} failed: ${outcome.error.message}`;
    return (
      <div
        className={`${s.line} ${s.compact} ${s.failed}`}
        data-testid={testIds.scale.outcome}
        role="alert"
        title={text}
      >
        {text}
      </div>
    );
  }
  switch (outcome.state) {
    case 'running':
      return (
        <div className={s.line} data-testid={testIds.scale.outcome} role="status">
          <Spinner inline /> Scaling {outcome.target}…
        </div>
      );
    case 'done': {
      const { result } = outcome;
      const what = result.dryRun ? 'Dry run, nothing changed' : result.changed ? 'Scaled' : 'Already there';
      return (
        <div className={`${s.line} ${compact ? s.compact : ''}`} data-testid={testIds.scale.outcome} role="status">
          <span className={s.ok}>{what}:</span> {result.target} {result.before} → {result.after} replicas,{' '}
          {result.running} running{result.replayed ? ' (repeated request, acted once)' : ''}. Audit {result.auditId}.
        </div>
      );
    }
    case 'failed':
      return (
        <div data-testid={testIds.scale.outcome}>
          <Alert severity="error" title={`Scaling ${outcome.target} failed`} onRemove={onDismiss}>
            {outcome.error.message}
          </Alert>
        </div>
      );
    default:
      return null;
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  line: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary }),
  ok: css({ color: theme.colors.success.text, fontWeight: theme.typography.fontWeightMedium }),
  compact: css({ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  failed: css({ color: theme.colors.error.text }),
});
