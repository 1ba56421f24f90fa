/**
 * Integration tests: real Prometheus, Docker Engine and Chromium, so a run takes one file at a time. `npm test`
 * starts two runs side by side: the live scenarios that wait on the clock (LIVE_INTEGRATION in scripts/test.mjs)
 * and the rest; each file's Docker resources carry its own label and its servers take free ports, so the two
 * never touch each other's.
 */
/** @type {import('jest').Config} */
module.exports = {
  ...require('../jest.swc.cjs'),
  displayName: 'integration',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/integration/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 120000,
};
