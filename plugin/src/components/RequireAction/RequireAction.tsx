import React, { type ReactNode } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert } from '@grafana/ui';
import { type Action, userCan } from '../../permissions';
import { testIds } from '../testIds';

export interface RequireActionProps {
  action: Action;
  /** What the action allows, after "Your Grafana role may not", e.g. "read the scaling audit log". */
  what: string;
  children: ReactNode;
}

/**
 * A page for users who hold `action`. Others get a note saying which role grants it, and the page is not
 * mounted, so nothing is asked of the sidecar that its proxy route would refuse with 403.
 */
export function RequireAction({ action, what, children }: RequireActionProps) {
  if (userCan(action)) {
    return <>{children}</>;
  }
  return (
    <PluginPage>
      <Alert severity="info" title="Not permitted" data-testid={testIds.notPermitted}>
        Your Grafana role may not {what}. Ask for the NTMA Reader role (Viewers have it by default).
      </Alert>
    </PluginPage>
  );
}
