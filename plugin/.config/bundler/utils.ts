import fs from 'fs';
import path from 'path';
import { glob } from 'glob';
import { SOURCE_DIR } from './constants';

export interface PluginJson {
  id: string;
  info?: { logos?: { small?: string; large?: string }; screenshots?: Array<{ path: string }> };
}

function loadJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function getPackageJson(): { version: string } {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson(file = path.resolve(process.cwd(), SOURCE_DIR, 'plugin.json')): PluginJson {
  return loadJson(file);
}

export function getCPConfigVersion(): string {
  const cprc = path.resolve(process.cwd(), '.config', '.cprc.json');
  return fs.existsSync(cprc) ? loadJson<{ version: string }>(cprc).version : 'unknown';
}

/**
 * One webpack entry per plugin.json that has a module.ts(x) beside it, so nested plugins (our panel under
 * src/panels/anomaly-bands/) are built to dist/<same path>/module.js, which is where Grafana looks for them.
 */
export async function getEntries(): Promise<Record<string, string>> {
  const source = path.resolve(process.cwd(), SOURCE_DIR);
  const pluginJsons = await glob('**/plugin.json', { cwd: source, absolute: true });
  const entries: Record<string, string> = {};
  for (const pluginJson of pluginJsons.sort()) {
    const folder = path.dirname(pluginJson);
    const modules = await glob('module.{ts,tsx,js,jsx}', { cwd: folder, absolute: true });
    const relative = path.relative(source, folder);
    const [module] = modules;
    if (module) {
      entries[relative === '' ? 'module' : `${relative}/module`] = module;
    }
  }
  return entries;
}

/** Logos and screenshots referenced by every plugin.json, relative to src/. */
export async function getPluginAssets(): Promise<string[]> {
  const source = path.resolve(process.cwd(), SOURCE_DIR);
  const pluginJsons = await glob('**/plugin.json', { cwd: source });
  const assets = new Set<string>();
  for (const relative of pluginJsons) {
    const json = getPluginJson(path.join(source, relative));
    const folder = path.dirname(relative);
    const files = [json.info?.logos?.small, json.info?.logos?.large, ...(json.info?.screenshots ?? []).map((s) => s.path)];
    for (const file of files) {
      if (file) {
        assets.add(path.join(folder, file));
      }
    }
  }
  return [...assets];
}
