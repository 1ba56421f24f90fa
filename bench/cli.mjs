// What the bench scripts share: the repository root, their command line, and the built sidecar
// they run against (built first unless --skip-build).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const args = process.argv.slice(2);

/** Whether `--name` is on the command line. */
export const flag = (name) => args.includes(name);

/** The number after `--name`, or `fallback` when it is not given. */
export function option(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

/** The word after `--name` as given (a list, a path, a name), or `fallback` when it is not given. */
export function textOption(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

/** Builds the sidecar (npm run build -w sidecar) unless --skip-build was given; throws if it fails. */
export function buildSidecar() {
  if (flag('--skip-build')) return;
  const build = spawnSync('npm', ['run', 'build', '-w', 'sidecar'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the sidecar does not build');
}

/**
 * Imports a module of the built sidecar, e.g. loadSidecar('detect/forecast-detector.js'); exits with what to
 * run when the sidecar is not built (a bench that imports one at load time runs before its own build).
 */
export const loadSidecar = (file) =>
  import(pathToFileURL(path.join(ROOT, 'sidecar/dist', file)).href).catch((error) => {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    console.error(`the sidecar is not built: run \`npm run build -w sidecar\` (${error.message})`);
    process.exit(1);
  });
