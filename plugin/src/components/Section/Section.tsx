import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import type { AsyncData } from '../../hooks/useAsyncData';

export interface SectionProps<T> {
  title: string;
  data: AsyncData<T>;
  /** Shown instead of children when the loaded value is empty. */
  isEmpty: (value: T) => boolean;
  empty: ReactNode;
  children: (value: T) => ReactNode;
  testId?: string;
}

/** A page section with designed loading, error and empty states around data from the sidecar. */
export function Section<T>({ title, data, isEmpty, empty, children, testId }: SectionProps<T>) {
  const s = useStyles2(getStyles);
  return (
    <section className={s.section} data-testid={testId}>
      <Stack justifyContent="space-between" alignItems="center">
        <h3 className={s.title}>{title}</h3>
        <Button variant="secondary" size="sm" icon="sync" fill="text" onClick={data.reload} disabled={data.loading}>
          Refresh
        </Button>
      </Stack>
      {data.error && (
        <Alert severity="error" title={`Could not load ${title.toLowerCase()}`}>
          {data.error.message}
        </Alert>
      )}
      {data.value === undefined && data.loading && <LoadingPlaceholder text="Loading…" />}
      {data.value !== undefined &&
        (isEmpty(data.value) ? <div className={s.empty}>{empty}</div> : children(data.value))}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ marginBottom: theme.spacing(4) }),
  title: css({ marginBottom: theme.spacing(1) }),
  empty: css({
    color: theme.colors.text.secondary,
    padding: theme.spacing(2),
    border: `1px dashed ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
  }),
});
