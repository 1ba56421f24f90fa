/**
 * What the live benches share to run the real stack on loopback: finding a binary, a free port,
 * waiting for a component to answer, and children that are all stopped on the way out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';

/** The path of a binary on PATH, or an error naming the script that installs it. */
export function which(binary) {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${binary} not found on PATH (scripts/install-deps)`);
  return found;
}

/** A loopback port nothing listens on at this moment. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `pollMs` until it answers true; past `timeoutMs` fails with its last error. */
export async function until(what, probe, timeoutMs, pollMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    await sleep(pollMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** Started children, stopped (SIGTERM, then SIGKILL after 10 s) by stopAll. */
const children = [];

/** Starts a child with its output appended to logFile; stopAll stops it. */
export function start(command, argv, env, logFile) {
  const out = openSync(logFile, 'a');
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  children.push(child);
  return child;
}

export async function stopAll() {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 10000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  children.length = 0;
}
