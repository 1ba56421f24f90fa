// scripts/install-deps: the Debian packages of npm start and npm test (and with --bench the benchmark's peers).
import { PACKAGES, ensurePackages } from './deps.mjs';

const wanted = [
  ...new Set([...PACKAGES.start, ...PACKAGES.test, ...(process.argv.includes('--bench') ? PACKAGES.bench : [])]),
];
const result = ensurePackages(wanted, { log: (line) => console.log(`install-deps: ${line}`) });
(result.ok ? console.log : console.error)(`install-deps: ${result.message}`);
process.exit(result.ok ? 0 : 1);
