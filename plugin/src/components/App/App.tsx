import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { type AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';

const Overview = React.lazy(() => import('../../pages/Overview'));
const Audit = React.lazy(() => import('../../pages/Audit'));
const AlertRules = React.lazy(() => import('../../pages/AlertRules'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Audit} element={<Audit />} />
      <Route path={ROUTES.AlertRules} element={<AlertRules />} />
      {/* Default page */}
      <Route path="*" element={<Overview />} />
    </Routes>
  );
}

export default App;
