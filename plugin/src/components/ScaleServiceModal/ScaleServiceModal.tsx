import React, { useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2, type PluginExtensionPanelContext } from '@grafana/data';
import { Alert, Button, Combobox, Field, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { listTargets } from '../../api/client';
import { useAsyncData } from '../../hooks/useAsyncData';
import { ACTIONS, userCan } from '../../permissions';
import { ScaleControls } from '../ScaleControls/ScaleControls';
import { testIds } from '../testIds';
import { guessTarget } from './guessTarget';

export interface ScaleServiceModalProps {
  context?: PluginExtensionPanelContext;
  onDismiss?: () => void;
}

/** The body of the panel menu's "Scale service…" modal: pick the target (guessed from the panel), then scale. */
export function ScaleServiceModal({ context, onDismiss }: ScaleServiceModalProps) {
  const s = useStyles2(getStyles);
  const targets = useAsyncData(listTargets);
  const [chosen, setChosen] = useState<string>();
  const list = targets.value ?? [];
  const selected = chosen ?? guessTarget(list, context);
  const view = list.find((t) => t.id === selected);

  return (
    <div data-testid={testIds.scaleModal.container}>
      {targets.loading && !targets.value && <LoadingPlaceholder text="Loading scalable targets…" />}
      {targets.error && (
        <Alert severity="error" title="Could not load the scalable targets">
          {targets.error.message}
        </Alert>
      )}
      {targets.value && list.length === 0 && (
        <Alert severity="info" title="Nothing to scale">
          No service has opted in with the label ntma.scale.enabled=true.
        </Alert>
      )}
      {!userCan(ACTIONS.scale) && (
        <Alert severity="info" title="Read only" data-testid={testIds.scaleModal.readOnly}>
          Your Grafana role may see the targets but not scale them; ask for the NTMA Operator role (Editors have it).
        </Alert>
      )}
      {list.length > 0 && (
        <>
          <Field
            label="Target"
            htmlFor="ntma-scale-service-target"
            description={
              context?.title ? `Linked to the panel "${context.title}" when its data names a service.` : undefined
            }
          >
            <Combobox
              id="ntma-scale-service-target"
              width={50}
              value={selected ?? null}
              placeholder="Choose a target"
              options={list.map((t) => ({
                value: t.id,
                label: t.id,
                description: `${t.running}/${t.desired} running`,
              }))}
              onChange={(option) => setChosen(option?.value)}
            />
          </Field>
          {view && (
            <div className={s.controls}>
              <div className={s.summary}>
                {view.running}/{view.desired} running · limits {view.limits.min}–{view.limits.max} · auto{' '}
                {view.auto.mode}
              </div>
              <ScaleControls
                key={view.id}
                target={view.id}
                current={view.desired}
                limits={view.limits}
                origin={context?.title ? `the panel menu of "${context.title}"` : 'the panel menu'}
                allowSet
                onScaled={targets.reload}
              />
            </div>
          )}
        </>
      )}
      <div className={s.footer}>
        <Button variant="secondary" onClick={onDismiss}>
          Close
        </Button>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  controls: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  summary: css({ color: theme.colors.text.secondary }),
  footer: css({ display: 'flex', justifyContent: 'flex-end', marginTop: theme.spacing(3) }),
});
