/**
 * Writes the generated files (dashboards/*.json, provisioning/prometheus/prometheus.native.yml).
 * With --check it writes nothing and exits 1 naming each file that differs from what it would write.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, generatedFiles } from './outputs.js';

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const { file, content } of generatedFiles()) {
  const target = path.join(REPO_ROOT, file);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === content) continue;
  if (check) {
    stale.push(file);
    continue;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  process.stdout.write(`wrote ${file}\n`);
}
if (stale.length > 0) {
  process.stderr.write(`out of date (run npm run generate -w demo): ${stale.join(', ')}\n`);
  process.exit(1);
}
if (check) process.stdout.write('generated files are up to date\n');
