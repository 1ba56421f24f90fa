import path from 'node:path';
import webpack, { type Configuration } from 'webpack';

const HERE = __dirname;
const ROOT = path.resolve(HERE, '..', '..');

/**
 * One bundle with everything in it (React, @grafana/ui, @grafana/data, @grafana/runtime and the plugin's code),
 * because no Grafana is there to provide the shared modules. Production mode for tree shaking; not minified,
 * since minifying @grafana/ui costs minutes on two cores and the page is only ever served from loopback.
 */
export function harnessConfig(outputDir: string): Configuration {
  return {
    mode: 'production',
    context: HERE,
    entry: path.join(HERE, 'page', 'index.tsx'),
    devtool: false,
    cache: { type: 'filesystem', cacheDirectory: path.join(ROOT, 'node_modules', '.cache', 'ntma-harness') },
    output: { path: outputDir, filename: 'harness.js', publicPath: '/', clean: true },
    optimization: { minimize: false, splitChunks: false },
    performance: { hints: false },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true, dynamicImport: true },
                transform: { react: { runtime: 'classic' } },
              },
            },
          },
        },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.(png|jpe?g|gif|svg|woff2?|ttf|eot)$/, type: 'asset/resource' },
        // Some ESM dependencies import without file extensions.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
      ],
    },
    resolve: {
      extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'],
      modules: [path.join(ROOT, 'node_modules'), 'node_modules'],
    },
    plugins: [
      new webpack.DefinePlugin({ 'process.env.NODE_ENV': JSON.stringify('production') }),
      // @grafana/ui lazy-loads monaco (the code editor), which no harness page shows; one chunk is enough.
      new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }),
    ],
  };
}
