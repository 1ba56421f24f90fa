// One SWC transform for every jest project outside the plugin. Jest runs CommonJS (its ESM mode
// cannot load CJS packages that require() ESM-only ones), so TypeScript and the ESM-only
// dependencies listed in esmPackages are compiled to CommonJS on the way in.
const transform = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const fs = require('node:fs');
const path = require('node:path');

/** Packages in the root node_modules that declare "type": "module" (ESM-only ones among them). */
function esmPackages(root) {
  const names = [];
  const read = (name) => {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
      if (manifest.type === 'module') names.push(name.replace(/[.+]/g, '\\$&'));
    } catch {
      // not a package folder
    }
  };
  for (const entry of fs.readdirSync(root)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of fs.readdirSync(path.join(root, entry))) read(`${entry}/${scoped}`);
    } else {
      read(entry);
    }
  }
  return names;
}

module.exports = {
  transform: { '^.+\\.(ts|js|mjs)$': transform },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages(path.join(__dirname, 'node_modules')).join('|')})/)`],
  moduleNameMapper: {
    // The contract's sources, so unit tests need no build of it first.
    '^@ntma/contract$': path.join(__dirname, 'contract/src/index.ts'),
    '^@ntma/contract/schemas$': path.join(__dirname, 'contract/src/schemas/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
