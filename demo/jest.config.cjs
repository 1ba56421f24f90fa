/** @type {import('jest').Config} */
module.exports = {
  ...require('../jest.swc.cjs'),
  displayName: 'demo',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 30000,
};
