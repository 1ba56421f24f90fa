import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { waitFor } from './ports.js';

export interface RunningDaemon {
  /** Sends SIGTERM and resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a real server binary with its output in `log`, and resolves once `readyUrl` answers 2xx.
 * An exit before that fails at once, naming the log, instead of waiting out the timeout.
 */
export async function startDaemon(options: {
  name: string;
  binary: string;
  args: string[];
  log: string;
  readyUrl: string;
}): Promise<RunningDaemon> {
  const { name, binary, args, log, readyUrl } = options;
  const out = openSync(log, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitFor(`${name} at ${readyUrl} (log: ${log})`, async () => {
    if (exited) throw new Error(`${name} exited; see ${log}`);
    const response = await fetch(readyUrl);
    return response.ok;
  });
  return {
    async stop() {
      if (exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
    },
  };
}
