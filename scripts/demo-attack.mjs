#!/usr/bin/env node
// `npm run demo:attack`: builds the contract and the demo when they are missing or stale (and installs
// node_modules first when needed), then runs demo/dist/attack.js against the stack `npm start` runs, at the ports
// that run chose (it leaves them in <data dir>/stack.json). Arguments pass through (`-- --normal`, `-- --watch 60`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEEDS, ensureBuilds } from './lib/builds.mjs';
import { ensureNodeModules } from './lib/npm-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.NTMA_DATA_DIR ?? path.join(root, '.data'));

for (const step of [() => ensureNodeModules(root), () => ensureBuilds(root, NEEDS.attack)]) {
  const result = step();
  if (!result.ok) {
    console.error(`demo:attack: ${result.message}`);
    process.exit(1);
  }
}

// The running stack's URLs, unless the caller named them.
const env = { ...process.env };
const stackFile = path.join(dataDir, 'stack.json');
if (existsSync(stackFile)) {
  const stack = JSON.parse(readFileSync(stackFile, 'utf8'));
  env.PROMETHEUS_URL ??= stack.prometheus;
  env.NTMA_SIDECAR_URL ??= stack.sidecar;
  env.LOADGEN_CONTROL_URL ??= stack.loadgenControl;
}

const child = spawn(process.execPath, [path.join(root, 'demo/dist/attack.js'), ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
// Ctrl-C reaches the child through the terminal; a TERM sent to this process alone is passed on.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
