// What `npm test` left in the temporary directory. Every test, harness and script removes the directories it makes;
// this catches one that does not, before hundreds pile up. Other work on the machine may make and remove entries
// during the run too, so only entries new since the run began and named with one of our prefixes count.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The prefixes of the temporary directories the tests, harnesses and scripts make. */
export const TEMP_PREFIXES = ['ntma-', 'nab-corpus-'];

/**
 * The benches' prefixes (bench/*.mjs, bench/forecast-peers/): npm test runs none of them, but one may run beside it on
 * a shared machine, and what it has made and not yet removed is not the run's.
 */
export const BENCH_PREFIXES = ['ntma-bench-', 'ntma-peers-', 'ntma-random-phase-', 'ntma-shapes-'];

/** The names in the temporary directory now (none when it cannot be read). */
export function listTemp(dir = tmpdir()) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The entries of `after` that were not in `before` and carry one of `prefixes` (and none of `others`), sorted; `kept`
 * ones excepted.
 */
export function tempLeftovers(before, after, { prefixes = TEMP_PREFIXES, others = BENCH_PREFIXES, kept = [] } = {}) {
  const old = new Set([...before, ...kept]);
  const ours = (name) => prefixes.some((p) => name.startsWith(p)) && !others.some((p) => name.startsWith(p));
  return after.filter((name) => !old.has(name) && ours(name)).sort();
}
