/*
 * Jest runs CommonJS; these packages that Grafana's libraries pull in ship only ES modules, so SWC must
 * compile them on the way in. Everything else in node_modules is left alone (that keeps the suite fast).
 */
const grafanaESModules = [
  '@grafana/schema',
  '@wojtekmaj/date-utils',
  'd3',
  'd3-[a-z-]+',
  'delaunator',
  'get-user-locale',
  'internmap',
  'marked',
  'memoize',
  'mimic-function',
  'ol',
  'react-calendar',
  'react-colorful',
  'robust-predicates',
  'rxjs',
  'uuid',
];

const nodeModulesToTransform = (names) => `node_modules/(?!(${names.join('|')})/)`;

module.exports = { grafanaESModules, nodeModulesToTransform };
