import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTap } from './node-test.mjs';

test('counts node:test results from the TAP summary', () => {
  const tap = 'ok 1 - a\n1..4\n# tests 4\n# pass 2\n# fail 1\n# cancelled 0\n# skipped 1\n# todo 0\n';
  assert.deepEqual(countTap(tap), { passed: 2, failed: 1, skipped: 1, problems: [] });
});

test('a TAP stream without its summary is a failure, not zero tests', () => {
  assert.equal(countTap('ok 1 - a\n').failed, 1);
});
