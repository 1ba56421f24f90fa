export interface Stamp {
  version: string;
  today: string;
  pluginId: string;
  mode: 'production' | 'development';
}

/** Fills the %VERSION%-style placeholders that plugin.json and the README carry in source. */
export function stamp(text: string, values: Stamp): string {
  return text
    .replace(/%VERSION%/g, values.version)
    .replace(/%TODAY%/g, values.today)
    .replace(/%PLUGIN_ID%/g, values.pluginId);
}

/** plugin.json as Grafana reads it: placeholders filled and the build mode recorded (Grafana shows it). */
export function stampPluginJson(text: string, values: Stamp): string {
  const json = JSON.parse(stamp(text, values)) as Record<string, unknown>;
  return `${JSON.stringify({ ...json, buildMode: values.mode }, null, 2)}\n`;
}

/** Files Grafana reads from dist/ besides the bundles: manifests (the nested panel's too), docs and images. */
export function copyFilePatterns(assets: string[], values: Stamp) {
  return [
    {
      from: '../README.md',
      to: '.',
      force: true,
      transform: (content: Buffer) => stamp(content.toString(), values),
    },
    { from: '../CHANGELOG.md', to: '.', force: true },
    {
      from: '**/plugin.json',
      to: '[path][name][ext]',
      transform: (content: Buffer) => stampPluginJson(content.toString(), values),
    },
    ...assets.map((asset) => ({ from: asset, to: asset })),
  ];
}
