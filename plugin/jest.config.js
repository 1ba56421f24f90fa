// Fixed time zone so date formatting in tests reads the same on every machine.
process.env.TZ = 'UTC';

const path = require('path');
const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

/** ES-module-only packages that this plugin's @grafana/ui pulls in beyond create-plugin's own list. */
const moreESModules = ['d3-[a-z-]+', 'delaunator', 'internmap', 'robust-predicates'];
const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  moduleNameMapper: {
    ...base.moduleNameMapper,
    // The contract's sources (written with NodeNext's ".js" imports), so tests need no build of it first.
    '^@ntma/contract$': path.resolve(__dirname, '../contract/src/index.ts'),
    '^@ntma/contract/schemas$': path.resolve(__dirname, '../contract/src/schemas/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // Some of Grafana's dependencies (d3-color) ship only an .mjs entry: compile those too.
  transform: { ...base.transform, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...moreESModules])],
  // A busy 2-core CI machine renders @grafana/ui slowly; a test that waits on it needs more than 5 s.
  testTimeout: 20000,
};
