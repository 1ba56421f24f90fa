import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** A real component an integration test needs, and where it was looked for. */
export interface Component {
  name: string;
  /** Absolute path of the executable or socket, when found. */
  path: string | undefined;
  /** How to get it, printed when it is missing. */
  install: string;
}

const inCi = process.env.CI === 'true';

function onPath(binary: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function exists(file: string): string | undefined {
  try {
    accessSync(file, constants.F_OK);
    return file;
  } catch {
    return undefined;
  }
}

export const prometheus: Component = {
  name: 'Prometheus',
  path: onPath('prometheus'),
  install: 'run scripts/install-deps (Debian package "prometheus")',
};

export const promtool: Component = {
  name: 'promtool',
  path: onPath('promtool'),
  install: 'run scripts/install-deps (Debian package "prometheus")',
};

export const alertmanager: Component = {
  name: 'Alertmanager',
  path: onPath('prometheus-alertmanager') ?? onPath('alertmanager'),
  install: 'run scripts/install-deps (Debian package "prometheus-alertmanager")',
};

export const dockerd: Component = {
  name: 'Docker Engine',
  path: exists(process.env.DOCKER_SOCKET ?? '/var/run/docker.sock'),
  install: 'run scripts/install-deps, then scripts/start-dockerd',
};

export const chromium: Component = {
  name: 'Chromium',
  path: exists('/usr/bin/chromium'),
  install: 'run scripts/install-deps (Debian package "chromium")',
};

/**
 * `describe` when every component is there. When one is missing the block fails under CI=true
 * (CI must exercise the real parts) and is skipped with a loud reason elsewhere.
 */
export function describeWith(components: Component[], title: string, body: () => void): void {
  const missing = components.filter((c) => c.path === undefined);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const reason = missing.map((c) => `${c.name} not found (${c.install})`).join('; ');
  if (inCi) {
    describe(title, () => {
      it('has its real components', () => {
        throw new Error(`CI=true and ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`\n!!! SKIPPING "${title}": ${reason}\n\n`);
  // Skipped outside CI only, with the missing component named in the title.
  describe.skip(`${title} [skipped: ${reason}]`, body);
}
