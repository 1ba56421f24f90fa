import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Spinner, useStyles2 } from '@grafana/ui';
import type { ScaleOutcome as Outcome } from '../../hooks/useScale';
import { testIds } from '../testIds';

/** The result of the last scale action, inline where the user pressed the button. */
export function ScaleOutcome({ outcome, onDismiss }: { outcome: Outcome; onDismiss?: () => void }) {
  const s = useStyles2(getStyles);
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
        <div className={s.line} data-testid={testIds.scale.outcome} role="status">
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
});
