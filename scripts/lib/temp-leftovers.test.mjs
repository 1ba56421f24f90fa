// npm test's check of what a run left in the temporary directory (temp-leftovers.mjs), on listings made up here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempLeftovers } from './temp-leftovers.mjs';

test('only entries new since the run began, with one of our prefixes, are left over', () => {
  const before = ['ntma-data-old111', 'nab-corpus-old222', 'systemd-private-x'];
  const after = [...before, 'ntma-data-new333', 'nab-corpus-new444', 'other-tool-555', 'v8-compile-cache-0'];
  assert.deepEqual(tempLeftovers(before, after), ['nab-corpus-new444', 'ntma-data-new333']);
});

test('nothing left over when the run removed what it made, or removed older entries too', () => {
  assert.deepEqual(tempLeftovers(['ntma-a', 'x'], ['x']), []);
  assert.deepEqual(tempLeftovers(['ntma-a'], ['ntma-a']), []);
});

test("a bench's directory, made beside the run, is not the run's", () => {
  assert.deepEqual(tempLeftovers([], ['ntma-shapes-abc123', 'ntma-bench-4242', 'ntma-peer-run-def456']), [
    'ntma-peer-run-def456',
  ]);
});

test('a directory kept on purpose (the logs of a failed run) is not counted', () => {
  assert.deepEqual(tempLeftovers([], ['ntma-test-abc123', 'ntma-jest-def456'], { kept: ['ntma-test-abc123'] }), [
    'ntma-jest-def456',
  ]);
});
