// What the benches that run the peers share (shapes.mjs, random-phase-peers.mjs): the peer runners' commands,
// one run of a peer on one input (its output reused from the cache by the input's hash when asked), and the
// scoring of an answer on the values that followed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tally } from './series-tools.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Each peer's runner; `install` says what to install where its command is missing (the bench then skips it). */
export const ALL_PEERS = [
  { key: 'ntma', name: 'NTMA', command: process.execPath, args: [path.join(here, 'ntma.mjs')] },
  {
    key: 'r',
    name: 'R stlf/auto.arima',
    command: 'Rscript',
    args: [path.join(here, 'r-stlf-arima.R')],
    install: 'apt-get install r-cran-forecast (Debian: R with forecast 8.20)',
  },
  {
    key: 'statsmodels',
    name: 'statsmodels',
    command: '/usr/bin/python3',
    args: [path.join(here, 'statsmodels-stl-arima.py')],
    install: 'apt-get install python3-statsmodels (Debian: statsmodels 0.13)',
  },
  { key: 'augurs', name: 'augurs MSTL+AutoETS', command: process.execPath, args: [path.join(here, 'augurs.mjs')] },
];

/**
 * Runs `peer` on the input `text` (a runner's input.json) in the directory `work`: `{result}` with its parsed
 * output, or `{error, fatal}` (fatal: the runner could not be started at all). With `cache`, the outputs of every
 * peer but NTMA (deterministic for the same input) are kept by input hash and reused.
 */
export function runPeer(peer, text, work, cache) {
  const input = path.join(work, 'in.json');
  writeFileSync(input, text);
  const output = path.join(work, `out-${peer.key}.json`);
  const cached =
    cache && peer.key !== 'ntma'
      ? path.join(cache, `${peer.key}-${createHash('sha1').update(text).digest('hex')}.json`)
      : undefined;
  const run =
    cached && existsSync(cached)
      ? (copyFileSync(cached, output), { status: 0 })
      : spawnSync(peer.command, [...peer.args, input, output], { encoding: 'utf8' });
  if (run.status === 0 && cached && !existsSync(cached)) copyFileSync(output, cached);
  if (run.error || run.status !== 0) {
    const missing = run.error?.code === 'ENOENT' && peer.install ? ` (${peer.command} not found: ${peer.install})` : '';
    const error = run.error ? `${run.error.message}${missing}` : run.stderr.trim().split('\n').slice(-3).join(' ');
    return { error, fatal: Boolean(run.error) };
  }
  return { result: JSON.parse(readFileSync(output, 'utf8')) };
}

/** MASE (over `scale`) and the shares of `actual` inside, below and above [lower, upper], gaps (null) left out. */
export function score(actual, forecast, lower, upper, scale) {
  let err = 0;
  let n = 0;
  actual.forEach((v, i) => {
    if (v === null) return;
    n++;
    err += Math.abs(v - forecast[i]);
  });
  const { cover, below, above } = tally(actual, lower, upper);
  return { mase: err / n / scale, coverage: cover, below: below / n, above: above / n };
}
