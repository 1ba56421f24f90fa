// The Debian set-up logic against a fake dpkg-query (and a fake apt-get) first on PATH.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { PACKAGES, aptCommands, ensurePackages, missingPackages } from './deps.mjs';

/** The directories these tests make, removed once they are done. */
const made = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A bin directory whose dpkg-query reports `installed` as installed (and `half` as half-configured), answering
 * like Debian's: a line per known package on stdout, an error per unknown one on stderr, exit 1 if any unknown;
 * and whose apt-get records its arguments and "installs" by adding to the fake's list.
 */
function fakeDebian(installed, half = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-fake-dpkg-'));
  made.push(dir);
  const db = path.join(dir, 'installed');
  writeFileSync(db, installed.map((p) => `${p}\n`).join(''));
  writeFileSync(
    path.join(dir, 'dpkg-query'),
    `#!/bin/sh
shift 2
status=0
for pkg in "$@"; do
  if grep -qx "$pkg" "${db}"; then printf '%s\\tinstall ok installed\\n' "$pkg"
  elif [ "$pkg" = "${half[0] ?? ''}" ]; then printf '%s\\tinstall ok half-configured\\n' "$pkg"
  else echo "dpkg-query: no packages found matching $pkg" >&2; status=1; fi
done
exit $status
`,
  );
  writeFileSync(
    path.join(dir, 'apt-get'),
    `#!/bin/sh
echo "$*" >> "${dir}/apt-calls"
if [ "$1" = install ]; then shift 4; for pkg in "$@"; do echo "$pkg" >> "${db}"; done; fi
`,
  );
  chmodSync(path.join(dir, 'dpkg-query'), 0o755);
  chmodSync(path.join(dir, 'apt-get'), 0o755);
  const env = { ...process.env, PATH: `${dir}:/usr/bin:/bin` };
  const aptCalls = () => {
    try {
      return readFileSync(path.join(dir, 'apt-calls'), 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  return { env, aptCalls };
}

test('names the packages dpkg does not report installed, half-configured ones included', () => {
  const { env } = fakeDebian(['prometheus', 'chromium'], ['docker.io']);
  assert.deepEqual(missingPackages(PACKAGES.test, env), [
    'prometheus-alertmanager',
    'prometheus-node-exporter',
    'docker.io',
    'docker-compose',
    'busybox-static',
  ]);
});

test('without root it installs nothing and prints the exact apt-get command', () => {
  const { env, aptCalls } = fakeDebian(['prometheus']);
  const result = ensurePackages(PACKAGES.start, { uid: 1000, env, log: () => {} });
  assert.equal(result.ok, false);
  assert.match(
    result.message,
    /\n {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus-alertmanager prometheus-node-exporter\n/,
  );
  assert.deepEqual(aptCalls(), []);
});

test('as root it installs exactly the missing packages, once', () => {
  const { env, aptCalls } = fakeDebian(['prometheus']);
  const result = ensurePackages(PACKAGES.start, { uid: 0, env, log: () => {} });
  assert.deepEqual(result, {
    ok: true,
    installed: ['prometheus-alertmanager', 'prometheus-node-exporter'],
    message: 'installed prometheus-alertmanager prometheus-node-exporter',
  });
  assert.deepEqual(aptCalls(), [
    'update -qq',
    'install -y -qq --no-install-recommends prometheus-alertmanager prometheus-node-exporter',
  ]);
  // Idempotent: the second run finds everything and calls apt-get no more.
  assert.equal(ensurePackages(PACKAGES.start, { uid: 0, env, log: () => {} }).installed.length, 0);
  assert.equal(aptCalls().length, 2);
});

test('with everything present it does nothing, root or not', () => {
  const { env, aptCalls } = fakeDebian(PACKAGES.test);
  assert.equal(ensurePackages(PACKAGES.test, { uid: 1000, env }).ok, true);
  assert.deepEqual(aptCalls(), []);
});

test('the printed command for root has no sudo', () => {
  assert.equal(aptCommands(['wrk'], true), 'apt-get update && apt-get install -y --no-install-recommends wrk');
});
