#!/usr/bin/env node
// Runs a command that writes a report file when its work is done (a jest run with --outputFile), and
// ends it if it then does not exit. jest in band cannot exit while a worker thread will not end, and
// Node 20 can deadlock a thread that is ending (NodePlatform::DrainTasks, nodejs/node#54918): then
// the run would sit until CI's time limit although every test has been counted.
//
//   node exit-watchdog.mjs <report file> <ms to wait after the report> <command> [args...]
//
// Exits as the command did; with HUNG_AT_EXIT when the report was written and the command had to be
// killed (its whole process group, with SIGKILL). A SIGINT, SIGTERM or SIGHUP here is passed on to the
// command's group, and this process then ends by the same signal, so its caller sees the interruption.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The exit status that says: the report is complete, the process was killed for not exiting. */
export const HUNG_AT_EXIT = 75;

/** A complete report: the file is there and parses (jest writes it once, at the very end). */
function reportWritten(file) {
  if (!existsSync(file)) return false;
  try {
    JSON.parse(readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

function main([report, waitArg, command, ...args]) {
  const waitMs = Number(waitArg);
  if (!report || !command || !(waitMs > 0)) {
    console.error('usage: exit-watchdog.mjs <report file> <ms to wait after the report> <command> [args...]');
    process.exit(2);
  }
  // Its own process group, so a kill reaches jest's workers too.
  const child = spawn(command, args, { stdio: 'inherit', detached: true });
  let reportSeenAt;
  let killed = false;
  let interruptedBy;
  const poll = setInterval(() => {
    if (reportSeenAt === undefined) {
      if (reportWritten(report)) reportSeenAt = Date.now();
      return;
    }
    if (Date.now() - reportSeenAt < waitMs) return;
    killed = true;
    console.error(
      `exit-watchdog: the run wrote its report ${Math.round(waitMs / 1000)} s ago and has not exited ` +
        '(a thread or handle that never ends); killing its process group',
    );
    process.kill(-child.pid, 'SIGKILL');
  }, 500);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      interruptedBy = signal;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    });
  }
  child.on('exit', (code, signal) => {
    clearInterval(poll);
    if (interruptedBy) {
      process.removeAllListeners(interruptedBy);
      process.kill(process.pid, interruptedBy);
      return;
    }
    if (killed) process.exit(HUNG_AT_EXIT);
    if (signal) {
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
