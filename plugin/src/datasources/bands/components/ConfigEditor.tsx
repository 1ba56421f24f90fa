import React from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Alert } from '@grafana/ui';
import { PLUGIN_ID } from '../../../constants';
import { testIds } from './testIds';

/**
 * Nothing to set here: the data source reaches the sidecar through the NTMA app's proxy route, whose URL and
 * token are the app's settings. Saying so keeps users from looking for a URL field.
 */
export function ConfigEditor(_props: DataSourcePluginOptionsEditorProps) {
  return (
    <div data-testid={testIds.configEditor}>
      <Alert severity="info" title="Uses the NTMA app's sidecar">
        Queries go through the NTMA app&apos;s proxy route, so the sidecar URL and its token are set once, on the{' '}
        <a href={`/plugins/${PLUGIN_ID}`}>app&apos;s configuration page</a>. Save &amp; test checks that the sidecar
        answers.
      </Alert>
    </div>
  );
}
