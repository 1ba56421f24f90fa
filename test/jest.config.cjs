/** Integration tests: real Prometheus, Docker Engine and Chromium, so they run one file at a time. */
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
