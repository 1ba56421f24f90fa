/*
 * The plugin's build: create-plugin's generated config (.config/webpack/webpack.config.ts, which
 * `npx @grafana/create-plugin update` manages) plus what this plugin needs on top, merged as create-plugin
 * recommends rather than edited in place.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { glob } from 'glob';
import path from 'node:path';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';
import { SOURCE_DIR } from './.config/bundler/constants';

/**
 * The generated config copies the logos the app's own plugin.json names; the nested plugins (the panel, the
 * data source) name theirs relative to their own folder, and Grafana shows them in its plugin catalogue.
 */
async function nestedLogos(): Promise<Array<{ from: string; to: string }>> {
  const nested = (await glob('*/**/plugin.json', { cwd: SOURCE_DIR })).sort();
  const logos = new Set<string>();
  for (const file of nested) {
    const json = (await import(path.resolve(SOURCE_DIR, file))) as { info?: { logos?: Record<string, string> } };
    for (const logo of Object.values(json.info?.logos ?? {})) logos.add(path.join(path.dirname(file), logo));
  }
  return [...logos].map((logo) => ({ from: logo, to: logo }));
}

const config = async (env: Env): Promise<Configuration> =>
  merge(await grafanaConfig(env), {
    plugins: [new CopyWebpackPlugin({ patterns: await nestedLogos() })],
  });

export default config;
