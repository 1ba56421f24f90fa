import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DASHBOARDS, render } from '../dashboards/index.js';
import { prometheusNativeYaml } from './prometheus-native.js';

/** The repository root, from demo/src/generate or demo/dist/generate alike. */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Every generated file, by its path relative to the repository root, with its exact content. */
export function generatedFiles(): Array<{ file: string; content: string }> {
  return [
    ...DASHBOARDS.map(({ file, build }) => ({ file: `dashboards/${file}`, content: render(build()) })),
    { file: 'provisioning/prometheus/prometheus.native.yml', content: prometheusNativeYaml() },
  ];
}
