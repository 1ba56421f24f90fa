import { spawnSync } from 'node:child_process';
import { HEAP_FLAGS, applyHeapFlags } from './heap-flags.js';

/**
 * A child process fills the old generation with objects, lets three in four die where they lie (so
 * every page keeps survivors with holes between them), collects, and prints the old space's used and
 * committed bytes. The flags, if any, are set at run time, as the sidecar sets them.
 */
const FRAGMENT = `
const v8 = require('node:v8');
for (const flag of process.argv.slice(1)) v8.setFlagsFromString(flag);
const all = [];
for (let i = 0; i < 400000; i++) all.push({ a: i, b: [i, i + 1, i + 2] });
gc(); gc();
for (let i = 0; i < all.length; i++) if (i % 4 !== 0) all[i] = null;
gc(); gc();
const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
process.stdout.write(JSON.stringify({ used: old.space_used_size, committed: old.space_size }));
`;

function oldSpaceAfterFragmenting(flags: readonly string[]): { used: number; committed: number } {
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', FRAGMENT, ...flags], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as { used: number; committed: number };
}

describe('heap flags', () => {
  it('sets each flag once, however often it is called', () => {
    const set: string[] = [];
    applyHeapFlags((flag) => set.push(flag));
    applyHeapFlags((flag) => set.push(flag));
    expect(set).toEqual(HEAP_FLAGS);
  });

  it('set at run time, they give the old generation back its holes after a full collection', () => {
    const without = oldSpaceAfterFragmenting([]);
    const with_ = oldSpaceAfterFragmenting(HEAP_FLAGS);
    // Without them V8 keeps most of the holed pages (the case the flags are for)...
    expect(without.committed - without.used).toBeGreaterThan(0.5 * without.used);
    // ...with them the survivors are moved together and the pages they left are released.
    expect(with_.committed - with_.used).toBeLessThan(0.1 * with_.used);
  });
});
