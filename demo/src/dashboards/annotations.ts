import { NTMA } from './metric-names.js';
import { promAnnotation } from './panels.js';

/** Scale actions the sidecar applied or recorded as dry runs, from its action counter. */
export function scaleAnnotation() {
  return promAnnotation({
    name: 'Scaling actions',
    expr: `sum by (result) (increase(${NTMA.scaleActions}{result=~"applied|dry_run"}[1m])) > 0`,
    color: 'purple',
    title: 'Scale action: {{result}}',
    text: 'the sidecar scaled a target ({{result}}); see its audit log for who, why and replicas before → after',
    tagKeys: 'result',
  });
}

/** Periods in which any watched series was outside its band. */
export function anomalyAnnotation() {
  return promAnnotation({
    name: 'Anomalies',
    expr: `max by (watcher) (abs(${NTMA.anomaly})) > 0`,
    color: 'red',
    title: 'Anomaly in {{watcher}}',
    text: 'a series of watcher {{watcher}} left its band',
    tagKeys: 'watcher',
  });
}

/** The demo traffic generator's attack, so detection delay can be read off the graphs. */
export function demoAttackAnnotation() {
  return promAnnotation({
    name: 'Demo attack',
    expr: 'max by (stage) (loadgen_stage{stage!="normal"}) > 0',
    color: 'orange',
    title: 'Demo attack: {{stage}}',
    text: 'loadgen played the {{stage}} stage',
    tagKeys: 'stage',
  });
}
