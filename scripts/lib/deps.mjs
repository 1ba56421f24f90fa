// Which Debian packages NTMA needs, which of them the machine lacks (asked of dpkg-query), and how they get
// installed: directly as root, otherwise not at all, with the exact command for someone who can.
import { spawnSync } from 'node:child_process';

/** What each command needs from Debian. `npm test` needs everything `npm start` needs. */
export const PACKAGES = {
  // Prometheus evaluates the rules and feeds the sidecar; Alertmanager delivers the alerts; node-exporter reports
  // host traffic. (With PROMETHEUS_URL set, npm start can do without Debian's Prometheus.)
  start: ['prometheus', 'prometheus-alertmanager', 'prometheus-node-exporter'],
  // The integration tests add the Docker Engine and Debian's docker-compose, the static busybox the local test
  // image is made of, and the Chromium the browser tests drive.
  test: [
    'prometheus',
    'prometheus-alertmanager',
    'prometheus-node-exporter',
    'docker.io',
    'docker-compose',
    'busybox-static',
    'chromium',
  ],
  // The forecast benchmark's peers (`npm run bench`).
  bench: ['r-cran-forecast', 'python3-statsmodels'],
};

/**
 * The packages of `wanted` that dpkg does not report as installed. `undefined` when dpkg-query cannot be run
 * (not a Debian machine): then nothing can be checked or installed from here.
 */
export function missingPackages(wanted, env = process.env) {
  // One call for all: dpkg-query prints a line for each package it knows and an error for each it does not.
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package}\\t${Status}\\n', ...wanted], {
    env,
    encoding: 'utf8',
  });
  if (result.error) return undefined;
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, status]) => status === 'install ok installed')
      .map(([name]) => name.replace(/:.*$/, '')),
  );
  return wanted.filter((name) => !installed.has(name));
}

/** The exact commands a root shell runs to install `missing`; printed for users who are not root. */
export function aptCommands(missing, asRoot) {
  const sudo = asRoot ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

/**
 * Makes sure `wanted` is installed. Returns { ok, installed, message }: ok is false when packages are missing
 * and this process may not install them (not root) or apt-get failed; message says what to run.
 */
export function ensurePackages(wanted, { uid = process.getuid?.() ?? -1, env = process.env, log = console.log } = {}) {
  const missing = missingPackages(wanted, env);
  if (missing === undefined) {
    return {
      ok: true,
      installed: [],
      message: `cannot check Debian packages here (no dpkg-query); NTMA expects: ${wanted.join(' ')}`,
    };
  }
  if (missing.length === 0)
    return { ok: true, installed: [], message: `Debian packages present (${wanted.join(' ')})` };
  if (uid !== 0) {
    return {
      ok: false,
      installed: [],
      message: `missing Debian packages: ${missing.join(' ')}. Installing them needs root; run:\n  ${aptCommands(missing, false)}\nthen run this command again.`,
    };
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
  ]) {
    const run = spawnSync('apt-get', args, { env: aptEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) {
      return {
        ok: false,
        installed: [],
        message: `apt-get ${args[0]} failed (exit ${run.status ?? run.signal}); to retry by hand:\n  ${aptCommands(missing, true)}`,
      };
    }
  }
  const still = missingPackages(missing, env) ?? [];
  if (still.length > 0) return { ok: false, installed: [], message: `apt-get did not install: ${still.join(' ')}` };
  return { ok: true, installed: missing, message: `installed ${missing.join(' ')}` };
}
