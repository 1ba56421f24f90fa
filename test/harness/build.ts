import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import webpack from 'webpack';
import { harnessConfig } from './webpack.config.js';

export const HARNESS_DIST = path.join(__dirname, 'dist');

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>NTMA plugin harness</title>
  </head>
  <body>
    <div id="root"></div>
    <script src="/harness.js"></script>
  </body>
</html>
`;

/**
 * Bundles the harness page into test/harness/dist (webpack's filesystem cache makes a rebuild with unchanged
 * sources take seconds). Resolves with the directory to serve; rejects with webpack's errors.
 */
export async function buildHarness(outputDir = HARNESS_DIST): Promise<string> {
  const compiler = webpack(harnessConfig(outputDir));
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((error, result) =>
      error || !result ? reject(error ?? new Error('webpack gave no stats')) : resolve(result),
    ),
  );
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  if (stats.hasErrors()) {
    throw new Error(`the harness bundle did not build:\n${stats.toString({ all: false, errors: true })}`);
  }
  writeFileSync(path.join(outputDir, 'index.html'), INDEX_HTML);
  if (!existsSync(path.join(outputDir, 'harness.js'))) {
    throw new Error(`webpack wrote no harness.js to ${outputDir}`);
  }
  return outputDir;
}
