/*
 * The build Grafana's create-plugin lays out for an app plugin (swc-loader, AMD output, Grafana's shared
 * modules as externals, one entry per nested plugin), written for this repository. Extend it from a root
 * webpack.config.ts with webpack-merge rather than editing it.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import TerserPlugin from 'terser-webpack-plugin';
import webpack, { type Configuration } from 'webpack';
import VirtualModulesPlugin from 'webpack-virtual-modules';

import { DIST_DIR, SOURCE_DIR } from '../bundler/constants';
import { copyFilePatterns } from '../bundler/copyFiles';
import { externals } from '../bundler/externals';
import { getCPConfigVersion, getEntries, getPackageJson, getPluginAssets, getPluginJson } from '../bundler/utils';

export type Env = Record<string, true | string | undefined>;

const config = async (env: Env): Promise<Configuration> => {
  const production = Boolean(env.production);
  const pluginJson = getPluginJson();
  const version = getPackageJson().version;
  const stamp = {
    version,
    today: new Date().toISOString().substring(0, 10),
    pluginId: pluginJson.id,
    mode: production ? ('production' as const) : ('development' as const),
  };

  // Grafana serves the plugin from public/plugins/<id>/ (or a CDN); lazy chunks must load from wherever
  // module.js itself came from, which only the AMD loader knows at run time.
  const publicPath = new VirtualModulesPlugin({
    'node_modules/grafana-public-path.js': `
import amdMetaModule from 'amd-module';

__webpack_public_path__ =
  amdMetaModule && amdMetaModule.uri
    ? amdMetaModule.uri.slice(0, amdMetaModule.uri.lastIndexOf('/') + 1)
    : 'public/plugins/${pluginJson.id}/';
`,
  });

  return {
    cache: {
      type: 'filesystem',
      buildDependencies: { config: [__filename] },
    },
    context: path.join(process.cwd(), SOURCE_DIR),
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: await getEntries(),
    externals,
    mode: production ? 'production' : 'development',
    module: {
      rules: [
        // Must come first, or source maps break.
        {
          test: /src\/(?:.*\/)?module\.tsx?$/,
          use: [{ loader: 'imports-loader', options: { imports: 'side-effects grafana-public-path' } }],
        },
        {
          exclude: /node_modules/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: path.resolve(process.cwd(), SOURCE_DIR),
                target: 'es2018',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                transform: { react: { runtime: 'classic' } },
              },
            },
          },
        },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { filename: production ? '[hash][ext]' : '[file]' },
        },
      ],
    },
    optimization: {
      minimize: production,
      minimizer: [
        new TerserPlugin({
          extractComments: { banner: false, filename: 'LICENSE.txt' },
          terserOptions: { compress: { drop_console: ['log', 'info'] } },
        }),
      ],
    },
    output: {
      clean: true,
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: { type: 'amd' },
      path: path.resolve(process.cwd(), DIST_DIR),
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      crossOriginLoading: 'anonymous',
    },
    performance: { hints: false },
    plugins: [
      publicPath,
      new webpack.BannerPlugin({
        banner: `/* [create-plugin] version: ${getCPConfigVersion()} */\n/* plugin: ${pluginJson.id}@${version} */`,
        raw: true,
        entryOnly: true,
      }),
      new CopyWebpackPlugin({ patterns: copyFilePatterns(await getPluginAssets(), stamp) }),
    ],
    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      modules: [path.resolve(process.cwd(), SOURCE_DIR), 'node_modules'],
      unsafeCache: true,
    },
  };
};

export default config;
