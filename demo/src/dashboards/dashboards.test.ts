import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { BANDS_DATASOURCE, BANDS_QUERY_KEYS, bandsQueryProblem, type BandsQueryModel } from '@ntma/contract';
import { REPO_ROOT, generatedFiles } from '../generate/outputs.js';
import { dashboardExpressions, substituteVariables } from './expressions.js';
import { BANDS_PANEL, DATASOURCE, SCALE_ACTION_GLOB } from './grafana-ids.js';
import { DASHBOARDS } from './index.js';

const built = DASHBOARDS.map(({ file, build }) => ({ file, dashboard: build() }));

function allPanels(dashboard: Dashboard): Array<Panel | RowPanel> {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...('panels' in p ? (p.panels ?? []) : [])]);
}

const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );

describe('generated files', () => {
  it.each(generatedFiles().map((f) => [f.file, f.content]))('%s is committed exactly as generated', (file, content) => {
    const committed = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    // On failure: run `npm run build -w demo && npm run generate -w demo` and commit the result.
    expect(committed).toBe(content);
  });
});

describe('the dashboards', () => {
  it('have unique uids and titles in the NTMA namespace', () => {
    const uids = built.map((b) => b.dashboard.uid);
    expect(new Set(uids).size).toBe(built.length);
    for (const { dashboard } of built) expect(dashboard.title).toMatch(/^NTMA \/ /);
  });

  it('query only the Prometheus datasource with the fixed uid, or the NTMA bands data source', () => {
    for (const { dashboard } of built) {
      for (const panel of allPanels(dashboard)) {
        if (panel.type === 'row' || panel.type === 'alertlist') continue;
        const datasource = panel.datasource as { type?: string; uid?: string } | undefined;
        expect([DATASOURCE, BANDS_DATASOURCE]).toContainEqual(datasource);
        // Queries carry their datasource; the SDK's generic Dataquery type does not declare it.
        for (const target of ((panel as Panel).targets ?? []) as Array<{ datasource?: unknown }>) {
          expect(target.datasource).toEqual(datasource);
        }
      }
    }
  });

  it('draw bands with the NTMA panel on every dashboard', () => {
    const bandsIn = (file: string): number =>
      allPanels(built.find((b) => b.file === file)!.dashboard).filter((p) => p.type === BANDS_PANEL).length;
    expect(bandsIn('traffic-overview.json')).toBeGreaterThanOrEqual(1);
    expect(bandsIn('containers.json')).toBeGreaterThanOrEqual(2);
    expect(bandsIn('anomalies-and-scaling.json')).toBeGreaterThanOrEqual(1);
  });

  it("give the bands data source only queries of its own type, within the contract's limits", () => {
    const grafanaKeys = ['refId', 'datasource', 'hide'];
    let count = 0;
    for (const { dashboard } of built) {
      for (const panel of allPanels(dashboard)) {
        if ((panel.datasource as { uid?: string } | undefined)?.uid !== BANDS_DATASOURCE.uid) continue;
        expect(panel.type).toBe('timeseries');
        for (const target of ((panel as Panel).targets ?? []) as unknown as Array<Record<string, unknown>>) {
          count++;
          for (const key of Object.keys(target)) expect([...grafanaKeys, ...BANDS_QUERY_KEYS]).toContain(key);
          expect(bandsQueryProblem(target as Partial<BandsQueryModel>)).toBeUndefined();
        }
        // Panel defaults would override the data source's band styling (fill, line width) on every field.
        const custom = ((panel as Panel).fieldConfig?.defaults?.custom ?? {}) as Record<string, unknown>;
        expect(custom).not.toHaveProperty('fillOpacity');
        expect(custom).not.toHaveProperty('lineWidth');
      }
    }
    expect(count).toBeGreaterThanOrEqual(2);
  });

  it('give standard panels Scale out / Scale in actions that POST JSON to the proxy path Grafana allows', () => {
    const allowed = globToRegExp(SCALE_ACTION_GLOB);
    let count = 0;
    for (const { dashboard } of built) {
      for (const panel of allPanels(dashboard)) {
        const actions = (panel as Panel).fieldConfig?.defaults?.actions ?? [];
        if (actions.length === 0) continue;
        expect(actions.map((a) => a.title)).toEqual(['Scale out', 'Scale in']);
        for (const action of actions) {
          count++;
          expect(action.fetch?.method).toBe('POST');
          expect(action.fetch?.url).toMatch(allowed);
          expect(action.confirmation).toMatch(/replica\?$/);
          const body = JSON.parse(action.fetch?.body ?? '{}') as { delta: number; reason: string };
          expect(Math.abs(body.delta)).toBe(1);
          expect(body.reason).toMatch(/Grafana dashboard action/);
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it('lay panels out on the 24-column grid without overlaps', () => {
    for (const { file, dashboard } of built) {
      const cells = new Set<string>();
      for (const panel of allPanels(dashboard)) {
        const { x = 0, y = 0, w = 0, h = 0 } = panel.gridPos ?? {};
        expect(x + w).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) {
          for (let j = y; j < y + h; j++) {
            const cell = `${i},${j}`;
            if (cells.has(cell)) throw new Error(`${file}: "${panel.title}" overlaps another panel at ${cell}`);
            cells.add(cell);
          }
        }
      }
    }
  });

  it('number panels 1, 2, ... so panel links stay stable', () => {
    for (const { dashboard } of built) {
      expect(allPanels(dashboard).map((p) => p.id)).toEqual(allPanels(dashboard).map((_, i) => i + 1));
    }
  });

  it('refer only to variables they define (or Grafana built-ins)', () => {
    for (const { file, dashboard } of built) {
      const defined = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
      const { templating: _templating, ...rest } = dashboard;
      const used = [...JSON.stringify(rest).matchAll(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => m[1]!);
      for (const name of used) {
        if (!name.startsWith('__'))
          expect(`${file}: $${name} ${defined.has(name) ? 'defined' : 'undefined'}`).toMatch(/ defined$/);
      }
    }
  });

  it('name the sidecar target as compose:<project>:<service> in actions and band panels', () => {
    const containers = built.find((b) => b.file === 'containers.json')!.dashboard;
    const bands = allPanels(containers).filter((p) => p.type === BANDS_PANEL) as Panel[];
    for (const panel of bands)
      expect(panel.options).toMatchObject({
        targetMode: 'fixed',
        scaleTarget: 'compose:${project}:${target}',
        showScaleButtons: true,
      });
    const action = allPanels(containers).flatMap((p) => (p as Panel).fieldConfig?.defaults?.actions ?? [])[0]!;
    expect(action.fetch?.url).toBe(
      '/api/plugin-proxy/ntma-anomaly-app/sidecar/api/v1/targets/compose:${project}:${target}/scale',
    );
  });

  it('use only Grafana variables that have a PromQL stand-in', () => {
    const found = built.flatMap(({ file, dashboard }) => dashboardExpressions(file, dashboard));
    expect(found.length).toBeGreaterThan(40);
    for (const { where, expr } of found) {
      expect(() => substituteVariables(expr)).not.toThrow();
      expect(where).toBeTruthy();
    }
  });
});
