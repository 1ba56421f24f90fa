// Whether node_modules matches package-lock.json, and `npm ci` when it does not. npm start and npm test run on
// node's built-ins alone (they are run by npm, not from node_modules), so they can install node_modules first.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const STAMP = 'node_modules/.ntma-installed';

/** What a node_modules installed from this lock file, by this Node on this platform, is stamped with. */
function stampFor(root) {
  const lock = createHash('sha256')
    .update(readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex');
  // Native packages (@swc/core's binaries) are chosen for the platform, so another machine's tree is stale.
  return `${lock} node${process.versions.node.split('.')[0]} ${process.platform}-${process.arch}\n`;
}

/**
 * Whether npm's own record of what it installed (node_modules/.package-lock.json) has every package of
 * package-lock.json at its version; optional packages for other platforms are legitimately absent.
 */
function hiddenLockMatches(root) {
  const hiddenFile = path.join(root, 'node_modules/.package-lock.json');
  if (!existsSync(hiddenFile)) return false;
  try {
    const wanted = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')).packages ?? {};
    const have = JSON.parse(readFileSync(hiddenFile, 'utf8')).packages ?? {};
    for (const [key, entry] of Object.entries(wanted)) {
      if (key === '') continue;
      if (!(key in have)) {
        if (entry.optional) continue;
        return false;
      }
      if (have[key].version !== entry.version) return false;
    }
    return Object.keys(have).every((key) => key in wanted);
  } catch {
    return false;
  }
}

/** The Node and platform part of a stamp. */
const machineOf = (stamp) => stamp.slice(stamp.indexOf(' '));

/**
 * 'missing', 'stale' or 'fresh'. A tree npm installed without our stamp, or since our stamp was written for an
 * older lock file (an `npm install` by hand after a pull), is checked against npm's record and stamped again.
 */
export function nodeModulesState(root) {
  if (!existsSync(path.join(root, 'node_modules'))) return 'missing';
  const stamp = path.join(root, STAMP);
  if (existsSync(stamp)) {
    const [have, want] = [readFileSync(stamp, 'utf8'), stampFor(root)];
    if (have === want) return 'fresh';
    // Installed by another Node or on another platform: its native packages are wrong whatever npm's record says.
    if (machineOf(have) !== machineOf(want)) return 'stale';
  }
  if (!hiddenLockMatches(root)) return 'stale';
  writeFileSync(stamp, stampFor(root));
  return 'fresh';
}

/** Runs `npm ci` unless node_modules is fresh. Returns { ok, ran, message }. */
export function ensureNodeModules(root, { log = console.log, env = process.env } = {}) {
  const state = nodeModulesState(root);
  if (state === 'fresh') return { ok: true, ran: false, message: 'npm packages up to date' };
  log(`node_modules is ${state}: npm ci`);
  const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  if (run.status !== 0) return { ok: false, ran: true, message: `npm ci failed (exit ${run.status ?? run.signal})` };
  writeFileSync(path.join(root, STAMP), stampFor(root));
  return { ok: true, ran: true, message: 'npm ci done' };
}
