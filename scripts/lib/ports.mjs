// Loopback ports npm start needs: which are taken, by which process, and a free one to suggest instead.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** Whether 127.0.0.1:`port` can be listened on now. */
export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The listening socket's holder from `ss -ltnpH` (iproute2), e.g. { pid: 812, name: 'prometheus' }. */
function holderFromSs(port) {
  const ss = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (ss.status !== 0) return undefined;
  const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss.stdout);
  return match ? { pid: Number(match[2]), name: match[1] } : undefined;
}

/** The same from /proc: the listening socket's inode in /proc/net/tcp*, then the process with a fd on it. */
function holderFromProc(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const localPort = parseInt(fields[1].split(':')[1], 16);
      if (localPort === port && fields[3] === '0A') inodes.add(fields[9]); // 0A: LISTEN
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) {
        return { pid: Number(pid), name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() };
      }
    }
  }
  return undefined;
}

/** Who listens on `port`: { pid, name, command } when it can be found out. */
export function portHolder(port) {
  const holder = holderFromSs(port) ?? holderFromProc(port);
  if (!holder) return undefined;
  let command = holder.name;
  try {
    command =
      readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8').split('\0').join(' ').replace(/\s+/g, ' ').trim() || command;
  } catch {
    // the process may have exited since, or belong to someone else
  }
  return { ...holder, command };
}

/** A free port near `port` (upwards, skipping `avoid`), to suggest in the message. */
export async function freePortNear(port, avoid = new Set()) {
  for (let candidate = port + 100; candidate < port + 1100 && candidate < 65536; candidate++) {
    if (!avoid.has(candidate) && (await portFree(candidate))) return candidate;
  }
  return undefined;
}

/**
 * Checks every `{ name, port, env }` at once. Returns one message per taken port, naming the holder and the
 * variable that moves it, with a free port to try; an empty list when all are free.
 */
export async function takenPorts(needs) {
  const wanted = new Set(needs.map((n) => n.port));
  const problems = [];
  for (const need of needs) {
    if (await portFree(need.port)) continue;
    const holder = portHolder(need.port);
    const who = holder
      ? `${holder.name} (pid ${holder.pid}: ${holder.command.slice(0, 120)})`
      : 'another process (run `ss -ltnp` as root to see which)';
    const other = await freePortNear(need.port, wanted);
    problems.push({
      ...need,
      holder,
      message:
        `port ${need.port} (${need.name}) is taken by ${who}. Stop that process, or choose another port` +
        (other ? `, e.g. ${need.env}=${other} npm start` : ` with ${need.env}=<port>`),
    });
  }
  return problems;
}
