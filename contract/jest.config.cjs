/** @type {import('jest').Config} */
module.exports = {
  ...require('../jest.swc.cjs'),
  displayName: 'contract',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
