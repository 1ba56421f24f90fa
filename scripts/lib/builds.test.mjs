// When a build counts as fresh, on a fake workspace (no build runs here).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildIsFresh } from './builds.mjs';

function workspace() {
  const root = mkdtempSync(path.join(tmpdir(), 'ntma-build-state-'));
  for (const dir of ['demo/src/web', 'demo/dist']) mkdirSync(path.join(root, dir), { recursive: true });
  for (const file of ['package-lock.json', 'tsconfig.json', 'demo/package.json', 'demo/src/web/server.ts']) {
    writeFileSync(path.join(root, file), '');
  }
  const at = (seconds) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
  const touch = (file, seconds) => utimesSync(path.join(root, file), at(seconds), at(seconds));
  for (const file of ['package-lock.json', 'tsconfig.json', 'demo/package.json', 'demo/src/web/server.ts']) {
    touch(file, 0);
  }
  for (const dir of ['demo/src/web', 'demo/src', 'demo']) touch(dir, 0);
  return { root, touch };
}

test('never built is not fresh', () => {
  assert.equal(buildIsFresh(workspace().root, 'demo'), false);
});

test('a stamp newer than every input is fresh; a source saved after it is not', () => {
  const { root, touch } = workspace();
  writeFileSync(path.join(root, 'demo/dist/.ntma-built'), '');
  touch('demo/dist/.ntma-built', 10);
  assert.equal(buildIsFresh(root, 'demo'), true);
  touch('demo/src/web/server.ts', 11);
  assert.equal(buildIsFresh(root, 'demo'), false);
});

test('a changed lock file makes every build stale', () => {
  const { root, touch } = workspace();
  writeFileSync(path.join(root, 'demo/dist/.ntma-built'), '');
  touch('demo/dist/.ntma-built', 10);
  touch('package-lock.json', 20);
  assert.equal(buildIsFresh(root, 'demo'), false);
});
