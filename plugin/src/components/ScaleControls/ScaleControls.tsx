import React, { useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Button, Input, Stack, useStyles2 } from '@grafana/ui';
import { newIdempotencyKey } from '../../api/client';
import type { ScaleLimits, ScaleResult } from '@ntma/contract';
import { useScale } from '../../hooks/useScale';
import { ACTIONS, userCan } from '../../permissions';
import { ScaleConfirm } from '../ScaleConfirm/ScaleConfirm';
import type { ReplicaChange } from '../ScaleConfirm/describeChange';
import { ScaleOutcome } from '../ScaleOutcome/ScaleOutcome';
import { testIds } from '../testIds';

export interface ScaleControlsProps {
  target: string;
  /** Desired replicas now, when known; the confirmation states before → after with it. */
  current?: number;
  limits?: ScaleLimits;
  /** Where the action came from, for the default reason in the audit log. */
  origin: string;
  /** Show the "set replicas" input too (the overview has room for it, a panel may not). */
  allowSet?: boolean;
  size?: 'sm' | 'md';
  /** Buttons and the outcome on one line, for a panel header. */
  inline?: boolean;
  onScaled?: (result: ScaleResult) => void;
}

interface Pending {
  change: ReplicaChange;
  idempotencyKey: string;
}

/**
 * Scale out / in / set buttons for one target: confirm first, then show the answer inline. Nothing for a user
 * without the scale action: Grafana's proxy would refuse the request anyway.
 */
export function ScaleControls({
  target,
  current,
  limits,
  origin,
  allowSet,
  size = 'md',
  inline,
  onScaled,
}: ScaleControlsProps) {
  const s = useStyles2(getStyles);
  const { outcome, scale, reset } = useScale(onScaled);
  const [pending, setPending] = useState<Pending>();
  const [replicas, setReplicas] = useState('');
  const busy = outcome.state === 'running';
  if (!userCan(ACTIONS.scale)) {
    return null;
  }

  const ask = (change: ReplicaChange) => setPending({ change, idempotencyKey: newIdempotencyKey() });
  const replicaCount = /^\d+$/.test(replicas.trim()) ? Number(replicas.trim()) : undefined;

  return (
    <div className={inline ? s.inline : s.wrapper} data-testid={testIds.scale.controls}>
      <Stack gap={1} alignItems="center" wrap={inline ? 'nowrap' : 'wrap'}>
        <Button
          size={size}
          variant="secondary"
          icon="minus"
          disabled={busy}
          onClick={() => ask({ delta: -1 })}
          data-testid={testIds.scale.scaleIn}
        >
          Scale in
        </Button>
        <Button
          size={size}
          variant="primary"
          icon="plus"
          disabled={busy}
          onClick={() => ask({ delta: 1 })}
          data-testid={testIds.scale.scaleOut}
        >
          Scale out
        </Button>
        {allowSet && (
          <>
            <Input
              width={8}
              value={replicas}
              placeholder={current === undefined ? 'n' : String(current)}
              aria-label={`Replicas for ${target}`}
              onChange={(event) => setReplicas(event.currentTarget.value)}
              data-testid={testIds.scale.replicasInput}
            />
            <Button
              size={size}
              variant="secondary"
              disabled={busy || replicaCount === undefined}
              onClick={() => replicaCount !== undefined && ask({ replicas: replicaCount })}
              data-testid={testIds.scale.setReplicas}
            >
              Set replicas
            </Button>
          </>
        )}
      </Stack>
      <ScaleOutcome outcome={outcome} onDismiss={reset} compact={inline} />
      {pending && (
        <ScaleConfirm
          target={target}
          change={pending.change}
          current={current}
          limits={limits}
          defaultReason={`manual, from ${origin}`}
          onDismiss={() => setPending(undefined)}
          onConfirm={(reason) => {
            const { change, idempotencyKey } = pending;
            setPending(undefined);
            void scale(target, { ...change, reason }, idempotencyKey);
          }}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  inline: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), minWidth: 0, flex: 1 }),
});
