// When a build counts as fresh, on a fake workspace (no build runs here).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { NEEDS, buildIsFresh, ensureBuilds } from './builds.mjs';

/** The directories these tests make, removed once they are done. */
const made = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function workspace() {
  const root = mkdtempSync(path.join(tmpdir(), 'ntma-build-state-'));
  made.push(root);
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

/**
 * A bin directory whose `npm run build -w <name>` records the name and "builds" by creating <name>/dist, or fails
 * for the workspace named in `failing`.
 */
function fakeNpm(failing = '') {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-fake-npm-'));
  made.push(dir);
  writeFileSync(
    path.join(dir, 'npm'),
    `#!/bin/sh
echo "$4" >> "${dir}/builds"
[ "$4" = "${failing}" ] && exit 2
mkdir -p "$4/dist"
`,
  );
  chmodSync(path.join(dir, 'npm'), 0o755);
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
  const builds = () => {
    try {
      return readFileSync(path.join(dir, 'builds'), 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  return { env, builds };
}

test('npm start builds, on a fresh clone, the contract first and the plugin it tells Grafana to load; then none again', () => {
  const { root } = workspace();
  const { env, builds } = fakeNpm();
  const built = [];
  assert.equal(ensureBuilds(root, NEEDS.start, { env, stdio: 'ignore', log: (line) => built.push(line) }).ok, true);
  assert.deepEqual(builds(), ['contract', 'sidecar', 'demo', 'plugin']);
  assert.deepEqual(built, ['contract built', 'sidecar built', 'demo built', 'plugin built']);
  assert.equal(ensureBuilds(root, NEEDS.start, { env, stdio: 'ignore' }).ok, true);
  assert.equal(builds().length, 4);
});

test('demo:attack builds the contract before the demo it imports it into', () => {
  const { env, builds } = fakeNpm();
  assert.equal(ensureBuilds(workspace().root, NEEDS.attack, { env, stdio: 'ignore' }).ok, true);
  assert.deepEqual(builds(), ['contract', 'demo']);
});

test('a failed build stops the builds after it and says which failed', () => {
  const { env, builds } = fakeNpm('contract');
  const result = ensureBuilds(workspace().root, NEEDS.start, { env, stdio: 'ignore' });
  assert.deepEqual(result, { ok: false, ran: true, message: 'contract build failed (exit 2)' });
  assert.deepEqual(builds(), ['contract']);
});
