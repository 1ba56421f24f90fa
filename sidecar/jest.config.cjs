// Fit workers skip their warm-up fit here (forecast/worker.ts says why); set before jest forks its
// workers so every test process and every fit thread inherits it.
process.env.NTMA_FIT_WARMUP = 'false';

/** @type {import('jest').Config} */
module.exports = {
  ...require('../jest.swc.cjs'),
  displayName: 'sidecar',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 30000,
};
