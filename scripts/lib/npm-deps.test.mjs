// When node_modules counts as missing, stale or fresh, on a fake tree (no npm run here).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { nodeModulesState } from './npm-deps.mjs';

/** The directories these tests make, removed once they are done. */
const made = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tree(lockPackages, hiddenPackages) {
  const root = mkdtempSync(path.join(tmpdir(), 'ntma-npm-state-'));
  made.push(root);
  writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ packages: lockPackages }));
  if (hiddenPackages) {
    mkdirSync(path.join(root, 'node_modules'));
    writeFileSync(path.join(root, 'node_modules/.package-lock.json'), JSON.stringify({ packages: hiddenPackages }));
  }
  return root;
}

const lock = {
  '': { name: 'ntma' },
  'node_modules/jest': { version: '29.7.0' },
  'node_modules/@swc/core-darwin-arm64': { version: '1.16.18', optional: true },
};

test('no node_modules is missing', () => {
  assert.equal(nodeModulesState(tree(lock)), 'missing');
});

test("a tree npm installed from this lock is fresh, and stamped so the next check is one file's read", () => {
  const root = tree(lock, { 'node_modules/jest': { version: '29.7.0' } });
  assert.equal(nodeModulesState(root), 'fresh');
  // With the stamp, npm's record is no longer read.
  rmSync(path.join(root, 'node_modules/.package-lock.json'));
  assert.equal(nodeModulesState(root), 'fresh');
  // A changed lock file makes the stamped tree stale.
  writeFileSync(
    path.join(root, 'package-lock.json'),
    JSON.stringify({ packages: { ...lock, 'node_modules/jest': { version: '30.0.0' } } }),
  );
  assert.equal(nodeModulesState(root), 'stale');
});

test('a tree with another version, a missing package or an extra one is stale', () => {
  assert.equal(nodeModulesState(tree(lock, { 'node_modules/jest': { version: '29.6.0' } })), 'stale');
  assert.equal(nodeModulesState(tree(lock, {})), 'stale');
  assert.equal(
    nodeModulesState(tree(lock, { 'node_modules/jest': { version: '29.7.0' }, 'node_modules/left-pad': {} })),
    'stale',
  );
});

test("a node_modules without npm's record is stale", () => {
  const root = tree(lock);
  mkdirSync(path.join(root, 'node_modules'));
  assert.equal(nodeModulesState(root), 'stale');
});

test('a stamp from an older lock on a tree npm has since installed from the new one is fresh, and stamped again', () => {
  const root = tree(lock, { 'node_modules/jest': { version: '29.7.0' } });
  assert.equal(nodeModulesState(root), 'fresh');
  const oldStamp = readFileSync(path.join(root, 'node_modules/.ntma-installed'), 'utf8');
  // A pull moves jest to 30.0.0 and the user runs `npm install` by hand: npm's record follows, our stamp does not.
  const newLock = { ...lock, 'node_modules/jest': { version: '30.0.0' } };
  writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ packages: newLock }));
  writeFileSync(
    path.join(root, 'node_modules/.package-lock.json'),
    JSON.stringify({ packages: { 'node_modules/jest': { version: '30.0.0' } } }),
  );
  assert.equal(nodeModulesState(root), 'fresh');
  assert.notEqual(readFileSync(path.join(root, 'node_modules/.ntma-installed'), 'utf8'), oldStamp);
});

test("a tree stamped by another Node is stale, though npm's record matches the lock", () => {
  const root = tree(lock, { 'node_modules/jest': { version: '29.7.0' } });
  assert.equal(nodeModulesState(root), 'fresh');
  const stampFile = path.join(root, 'node_modules/.ntma-installed');
  const stamp = readFileSync(stampFile, 'utf8');
  writeFileSync(stampFile, stamp.replace(/ node\d+ /, ' node0 '));
  assert.equal(nodeModulesState(root), 'stale');
});
