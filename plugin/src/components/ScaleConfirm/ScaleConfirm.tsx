import React, { useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Modal, useStyles2 } from '@grafana/ui';
import type { ScaleLimits } from '@ntma/contract';
import { testIds } from '../testIds';
import { describeChange, limitProblem, verbOf, type ReplicaChange } from './describeChange';

export interface ScaleConfirmProps {
  target: string;
  change: ReplicaChange;
  /** Desired replicas now, when known. */
  current?: number;
  limits?: ScaleLimits;
  defaultReason: string;
  onConfirm: (reason: string) => void;
  onDismiss: () => void;
}

/** Asks before any scale action and states exactly what will change, on which target, and within which limits. */
export function ScaleConfirm({
  target,
  change,
  current,
  limits,
  defaultReason,
  onConfirm,
  onDismiss,
}: ScaleConfirmProps) {
  const s = useStyles2(getStyles);
  const [reason, setReason] = useState(defaultReason);
  const verb = verbOf(change, current);
  const problem = limitProblem(change, current, limits);

  return (
    <Modal title={`${verb}?`} isOpen onDismiss={onDismiss}>
      <div data-testid={testIds.scale.confirm}>
        <p className={s.statement} data-testid={testIds.scale.statement}>
          {verb} <strong>{target}</strong>: {describeChange(change, current)}
          {limits && (
            <span className={s.limits}>
              {' '}
              (limits {limits.min}–{limits.max})
            </span>
          )}
          .
        </p>
        {problem && (
          <Alert severity="warning" title="Outside the target's limits">
            {problem}; the sidecar will refuse it and change nothing.
          </Alert>
        )}
        <Field label="Reason" description="Recorded in the audit log with your user name.">
          <Input
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-testid={testIds.scale.reason}
            aria-label="Reason"
          />
        </Field>
      </div>
      <Modal.ButtonRow>
        <Button variant="secondary" fill="outline" onClick={onDismiss}>
          Cancel
        </Button>
        <Button
          variant={verb === 'Scale in' ? 'destructive' : 'primary'}
          onClick={() => onConfirm(reason.trim() || defaultReason)}
          data-testid={testIds.scale.confirmButton}
        >
          {verb}
        </Button>
      </Modal.ButtonRow>
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  statement: css({ fontSize: theme.typography.h5.fontSize, marginBottom: theme.spacing(2) }),
  limits: css({ color: theme.colors.text.secondary }),
});
