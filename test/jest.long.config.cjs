/**
 * Long end-to-end runs on the real components, kept out of `npm test`: each plays minutes of live
 * traffic (the predictive autoscaling run takes about 11 minutes). Run with `npm run test:long`.
 */
/** @type {import('jest').Config} */
module.exports = {
  ...require('../jest.swc.cjs'),
  displayName: 'long',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/long/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 900000,
};
