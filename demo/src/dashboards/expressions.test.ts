import { dashboardExpressions, labelValuesSelector, substituteVariables, yamlExpressions } from './expressions.js';

describe('finding PromQL in provisioned files', () => {
  it('unwraps label_values() to its selector', () => {
    expect(labelValuesSelector('label_values(up{job="web"}, instance)')).toBe('up{job="web"}');
    expect(labelValuesSelector('label_values(node_network_receive_bytes_total{instance=~"$instance"},device)')).toBe(
      'node_network_receive_bytes_total{instance=~"$instance"}',
    );
    expect(labelValuesSelector('up')).toBeUndefined();
  });

  it('collects targets (also inside collapsed rows), annotations and query variables', () => {
    const found = dashboardExpressions('d.json', {
      panels: [
        {
          title: 'a',
          targets: [
            { refId: 'A', expr: 'up' },
            { refId: 'B', expr: '$A > 0', datasource: { uid: '__expr__' } },
          ],
        },
        { type: 'row', title: 'r', panels: [{ title: 'b', targets: [{ refId: 'A', expr: 'rate(x[1m])' }] }] },
      ],
      annotations: { list: [{ name: 'n', expr: 'changes(y[1m]) > 0' }, { name: 'builtin' }] },
      templating: {
        list: [
          { type: 'query', name: 'v', query: { query: 'label_values(z, job)' } },
          { type: 'custom', name: 'c', query: 'a,b' },
        ],
      },
    });
    expect(found).toEqual([
      { where: 'd.json: panel "a" A', expr: 'up' },
      { where: 'd.json: panel "b" A', expr: 'rate(x[1m])' },
      { where: 'd.json: annotation "n"', expr: 'changes(y[1m]) > 0' },
      { where: 'd.json: variable $v', expr: 'z' },
    ]);
  });

  it('collects expr fields from alert rules but skips server-side expressions', () => {
    const rules = {
      groups: [
        {
          rules: [
            {
              data: [
                { refId: 'A', datasourceUid: 'prometheus', model: { expr: 'max(ntma_anomaly_score) > 0.8' } },
                {
                  refId: 'B',
                  datasourceUid: '__expr__',
                  model: { expression: 'A', type: 'reduce', expr: 'not promql' },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(yamlExpressions('rules.yml', rules, false)).toEqual([
      { where: 'rules.yml: groups[0].rules[0].data[0].model.expr', expr: 'max(ntma_anomaly_score) > 0.8' },
    ]);
  });

  it('reads watcher query fields and signal maps only in watcher files', () => {
    const watchers = {
      watchers: [
        {
          name: 'rx',
          query: 'rate(node_network_receive_bytes_total[1m])',
          signals: { packets: 'rate(node_network_receive_packets_total[1m])', passive_opens: 'rate(x[1m])' },
        },
      ],
    };
    expect(yamlExpressions('w.yml', watchers, true).map((f) => f.where)).toEqual([
      'w.yml: watchers[0].query',
      'w.yml: watchers[0].signals.packets',
      'w.yml: watchers[0].signals.passive_opens',
    ]);
    expect(yamlExpressions('w.yml', watchers, false)).toHaveLength(0);
  });
});

describe('substituteVariables', () => {
  it('replaces built-in and dashboard variables in both spellings', () => {
    expect(substituteVariables('rate(x{instance=~"$instance"}[$__rate_interval])')).toBe(
      'rate(x{instance=~"host-1:9100"}[1m])',
    );
    expect(substituteVariables('sum_over_time(x[${__range_s}s]) / ${target:raw}')).toBe(
      'sum_over_time(x[3600s]) / web',
    );
  });

  it('refuses a variable without a stand-in, naming it', () => {
    expect(() => substituteVariables('up{job="$mystery"}')).toThrow(/"\$mystery"/);
  });
});
