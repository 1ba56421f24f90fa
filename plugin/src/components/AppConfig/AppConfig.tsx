import React, { type ChangeEvent, type FormEvent, useState } from 'react';
import { css } from '@emotion/css';
import { type AppPluginMeta, type GrafanaTheme2, type PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { getReadiness, savePluginSettings } from '../../api/client';
import { toSidecarError } from '../../api/http';
import type { Readiness } from '@ntma/contract';
import type { AppSettings } from '../../types';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

type Connection =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'answered'; readiness: Readiness }
  | { state: 'failed'; message: string };

/** http(s) URL with a host; anything else would make Grafana's proxy fail later with a vaguer error. */
export function sidecarUrlProblem(url: string): string | undefined {
  if (url === '') {
    return 'The sidecar URL is required';
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return 'The sidecar URL must start with http:// or https://';
    }
  } catch {
    return 'The sidecar URL is not a valid URL';
  }
  return undefined;
}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [sidecarUrl, setSidecarUrl] = useState(jsonData?.sidecarUrl ?? '');
  const [apiToken, setApiToken] = useState('');
  const [tokenConfigured, setTokenConfigured] = useState(Boolean(secureJsonFields?.apiToken));
  const [connection, setConnection] = useState<Connection>({ state: 'idle' });
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();

  const urlProblem = sidecarUrlProblem(sidecarUrl);
  const savedUrl = jsonData?.sidecarUrl ?? '';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (urlProblem) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      await savePluginSettings({
        enabled: Boolean(enabled),
        pinned: Boolean(pinned),
        jsonData: { ...jsonData, sidecarUrl },
        // Sending nothing keeps the stored token; sending a value replaces it (an empty one clears it).
        secureJsonData: tokenConfigured ? undefined : { apiToken },
      });
      // Grafana keeps plugin settings in its boot data; a reload is the supported way to pick the new ones up.
      window.location.reload();
    } catch (error) {
      setSaveError(toSidecarError(error).message);
      setSaving(false);
    }
  };

  const onTest = async () => {
    setConnection({ state: 'testing' });
    try {
      setConnection({ state: 'answered', readiness: await getReadiness() });
    } catch (error) {
      setConnection({ state: 'failed', message: toSidecarError(error).message });
    }
  };

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="Sidecar">
        <Field
          label="Sidecar URL"
          description="Where Grafana's server reaches the NTMA sidecar. The browser never calls it directly."
          invalid={sidecarUrl !== '' && urlProblem !== undefined}
          error={urlProblem}
        >
          <Input
            width={60}
            id="config-sidecar-url"
            name="sidecarUrl"
            data-testid={testIds.appConfig.sidecarUrl}
            value={sidecarUrl}
            placeholder="http://sidecar:8787"
            onChange={(event: ChangeEvent<HTMLInputElement>) => setSidecarUrl(event.target.value.trim())}
          />
        </Field>

        <Field
          label="API token"
          description="The sidecar's NTMA_API_TOKEN. Grafana stores it encrypted and adds it to proxied requests."
          className={s.marginTop}
        >
          <SecretInput
            width={60}
            id="config-api-token"
            name="apiToken"
            data-testid={testIds.appConfig.apiToken}
            value={apiToken}
            isConfigured={tokenConfigured}
            placeholder="Bearer token"
            onChange={(event: ChangeEvent<HTMLInputElement>) => setApiToken(event.target.value.trim())}
            onReset={() => {
              setApiToken('');
              setTokenConfigured(false);
            }}
          />
        </Field>

        <Stack gap={1} direction="row">
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={saving || urlProblem !== undefined}>
            {saving ? 'Saving…' : 'Save settings'}
          </Button>
          <Button
            type="button"
            variant="secondary"
            data-testid={testIds.appConfig.testConnection}
            onClick={onTest}
            disabled={connection.state === 'testing' || savedUrl === ''}
            tooltip="Calls the sidecar's /readyz through Grafana's proxy with the saved settings"
          >
            {connection.state === 'testing' ? 'Testing…' : 'Test connection'}
          </Button>
        </Stack>

        {saveError && (
          <Alert severity="error" title="Settings were not saved" className={s.marginTop}>
            {saveError}
          </Alert>
        )}
        <div data-testid={testIds.appConfig.connectionResult} className={s.marginTop}>
          <ConnectionResult connection={connection} edited={sidecarUrl !== savedUrl} />
        </div>
      </FieldSet>
    </form>
  );
};

function ConnectionResult({ connection, edited }: { connection: Connection; edited: boolean }) {
  const note = edited ? ' (this tested the saved URL; save to test the edited one)' : '';
  switch (connection.state) {
    case 'answered':
      return connection.readiness.status === 'ready' ? (
        <Alert severity="success" title="Connected">
          The sidecar is ready: {connection.readiness.checks.map((c) => `${c.name} at ${c.target}`).join(', ')}
          {note}
        </Alert>
      ) : (
        <Alert severity="warning" title="The sidecar answered but is not ready">
          {connection.readiness.message ?? 'a dependency is down'}
          {note}
        </Alert>
      );
    case 'failed':
      return (
        <Alert severity="error" title="Could not reach the sidecar">
          {connection.message}
          {note}
        </Alert>
      );
    default:
      return null;
  }
}

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  marginTop: css({ marginTop: theme.spacing(2) }),
});
