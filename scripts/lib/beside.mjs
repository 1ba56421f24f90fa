// Processes that run side by side in npm test (scripts/test.mjs): their output piped and passed on a whole
// line at a time, so the lines of two runs never break into each other, and at most a given number at once.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** How long an exited process's pipes may stay open (held by something it left behind) before it counts as ended. */
const PIPE_GRACE_MS = 5000;

/**
 * Starts `command` with its stdout and stderr read by lines into `onLine`. Returns `{ child, exited }`:
 * `exited` resolves to `{ status, signal }` once it has exited and its lines are read.
 */
export function spawnLines(command, args, { cwd, env = process.env, onLine }) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const read = [child.stdout, child.stderr].map((stream) => {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', onLine);
    return once(lines, 'close');
  });
  const exited = once(child, 'exit').then(async ([status, signal]) => {
    let timer;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, PIPE_GRACE_MS)));
    await Promise.race([Promise.all(read), grace]);
    clearTimeout(timer);
    return { status, signal };
  });
  return { child, exited };
}

/**
 * Runs `tasks` (functions that start one run and return a promise of its result) with at most `width` running at
 * once, in the given order; resolves to their results in that order.
 */
export async function runBeside(tasks, width) {
  const results = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, lane));
  return results;
}
