// Fixed time zone so date formatting in tests reads the same on every machine.
process.env.TZ = 'UTC';

module.exports = {
  ...require('./.config/jest.config'),
  // A busy 2-core CI machine renders @grafana/ui slowly; a test that waits on it needs more than 5 s.
  testTimeout: 20000,
};
