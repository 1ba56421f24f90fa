/*
 * The lint setup create-plugin generates: Grafana's shared ESLint config (flat), with type information for
 * the sources. The plugin's eslint.config.mjs spreads this and adds its own rules.
 */
import path from 'node:path';
import grafanaConfig from '@grafana/eslint-config';

export default [
  ...grafanaConfig,
  { rules: { 'react/prop-types': 'off' } },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: path.dirname(import.meta.dirname) } },
    rules: { '@typescript-eslint/no-deprecated': 'warn' },
  },
  {
    files: ['tests/**/*'],
    // Playwright fixtures are called `use`, which is not a React hook.
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
];
