// What the bench scripts share: the repository root, their command line (`--help` prints a script's usage and
// runs nothing), and the built sidecar they run against (built first unless --skip-build).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const args = process.argv.slice(2);

/** Whether `--name` is on the command line. */
export const flag = (name) => args.includes(name);

/**
 * A script's usage: its leading comment (after any #! line), either `//` lines or one block comment, without the
 * comment marks.
 */
export function usageOf(source) {
  const lines = source.split('\n');
  let i = lines[0]?.startsWith('#!') ? 1 : 0;
  const usage = [];
  if (lines[i]?.startsWith('/*')) {
    for (i += 1; i < lines.length && !lines[i].trimStart().startsWith('*/'); i++) {
      usage.push(lines[i].replace(/^\s*\* ?/, ''));
    }
  } else {
    for (; i < lines.length && lines[i].startsWith('//'); i++) usage.push(lines[i].replace(/^\/\/ ?/, ''));
  }
  return usage.join('\n');
}

// Before the importing script's body runs (ESM evaluates this module first): a bench asked for help must not
// start a run that takes minutes and writes results.
if (flag('--help') || flag('-h')) {
  process.stdout.write(`${usageOf(readFileSync(process.argv[1], 'utf8'))}\n`);
  process.exit(0);
}

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
