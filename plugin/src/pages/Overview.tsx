import React, { useCallback } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Badge, Stack, useStyles2 } from '@grafana/ui';
import { getReadiness, listAnomalies, listTargets } from '../api/client';
import { AnomaliesTable } from '../components/AnomaliesTable/AnomaliesTable';
import { Section } from '../components/Section/Section';
import { TargetsTable } from '../components/TargetsTable/TargetsTable';
import { testIds } from '../components/testIds';
import { useAsyncData } from '../hooks/useAsyncData';

/** How far back "recent anomalies" reaches. */
const RECENT_SECONDS = 24 * 3600;

function Overview() {
  const s = useStyles2(getStyles);
  const readiness = useAsyncData(getReadiness);
  const targets = useAsyncData(listTargets);
  const loadAnomalies = useCallback(() => listAnomalies({ since: Date.now() / 1000 - RECENT_SECONDS, limit: 50 }), []);
  const anomalies = useAsyncData(loadAnomalies);

  return (
    <PluginPage>
      <div data-testid={testIds.overview.container}>
        <div className={s.status} data-testid={testIds.overview.readiness}>
          <Stack gap={1} alignItems="center">
            <span>Sidecar</span>
            {readiness.value && (
              <Badge
                text={readiness.value.status === 'ready' ? 'Ready' : 'Not ready'}
                color={readiness.value.status === 'ready' ? 'green' : 'red'}
                tooltip={readiness.value.message}
              />
            )}
            {readiness.error && <Badge text="Unreachable" color="red" tooltip={readiness.error.message} />}
            {readiness.value?.checks.map((check) => (
              <span key={check.name} className={s.check}>
                {check.name} at {check.target}: {check.ok ? 'ok' : check.error}
              </span>
            ))}
            {readiness.error && <span className={s.check}>{readiness.error.message}</span>}
          </Stack>
        </div>

        <Section
          title="Scalable targets"
          data={targets}
          isEmpty={(list) => list.length === 0}
          empty={
            <>
              No service has opted in. Label a Compose service or Swarm service with{' '}
              <code>ntma.scale.enabled=true</code> (limits in <code>ntma.scale.min</code>, <code>ntma.scale.max</code>).
            </>
          }
        >
          {(list) => <TargetsTable targets={list} onScaled={targets.reload} />}
        </Section>

        <Section
          title="Recent anomalies"
          data={anomalies}
          isEmpty={(list) => list.length === 0}
          empty="No watcher has seen traffic leave its band in the last 24 hours."
        >
          {(list) => <AnomaliesTable anomalies={list} />}
        </Section>
      </div>
    </PluginPage>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  status: css({ marginBottom: theme.spacing(3) }),
  check: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
