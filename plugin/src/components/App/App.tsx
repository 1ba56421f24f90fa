import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { type AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';
import { PAGE_ACTIONS } from '../../permissions';
import { RequireAction } from '../RequireAction/RequireAction';

const Overview = React.lazy(() => import('../../pages/Overview'));
const Audit = React.lazy(() => import('../../pages/Audit'));
const AlertRules = React.lazy(() => import('../../pages/AlertRules'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route
        path={ROUTES.Audit}
        element={
          <RequireAction action={PAGE_ACTIONS[ROUTES.Audit]!} what="read the scaling audit log">
            <Audit />
          </RequireAction>
        }
      />
      <Route path={ROUTES.AlertRules} element={<AlertRules />} />
      {/* Default page */}
      <Route
        path="*"
        element={
          <RequireAction action={PAGE_ACTIONS[ROUTES.Overview]!} what="read NTMA's targets, anomalies and readiness">
            <Overview />
          </RequireAction>
        }
      />
    </Routes>
  );
}

export default App;
