import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MIN_NODE, atLeast, nodeVersionProblem } from './node-version.mjs';

test('versions compare part by part, not as strings', () => {
  assert.equal(atLeast('20.19.0'), true);
  assert.equal(atLeast('v20.20.2'), true);
  assert.equal(atLeast('22.0.0'), true);
  assert.equal(atLeast('20.18.3'), false);
  assert.equal(atLeast('20.9.0'), false, '"9" < "19" as numbers though not as strings');
  assert.equal(atLeast('18.20.4'), false);
  assert.equal(atLeast('20.19'), true, 'a missing patch counts as 0');
});

test('an old Node gets a message naming both versions and what to do', () => {
  const message = nodeVersionProblem('v20.10.0');
  assert.match(message, /20\.10\.0/);
  assert.match(message, new RegExp(MIN_NODE.replaceAll('.', '\\.')));
  assert.match(message, /ERR_REQUIRE_ESM/);
  assert.equal(nodeVersionProblem('20.19.0'), undefined);
});

test('this Node will do (the check would stop npm start and npm test otherwise)', () => {
  assert.equal(nodeVersionProblem(), undefined, `running ${process.versions.node}`);
});

test('the sidecar dependency that needs it loads here', () => {
  // @fastify/static require()s content-disposition 3, an ES module: the reason for MIN_NODE.
  const sidecar = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sidecar');
  const run = spawnSync(process.execPath, ['-e', "require('@fastify/static'); console.log('loaded')"], {
    cwd: sidecar,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /loaded/);
});
