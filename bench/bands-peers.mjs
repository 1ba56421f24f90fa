/**
 * The side-by-side part of the bands benchmark: the same series through each peer runner in
 * bench/forecast-peers/ (the NTMA engine, R forecast::stlf(method = "arima"), statsmodels STL +
 * ARIMA), all with one command line: `<runner> input.json output.json`. A peer that is not
 * installed, or whose runner is missing, is skipped with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTraffic, mase } from './bands-series.mjs';

/** A peer runner should finish well within this; past it the peer is reported as skipped. */
const PEER_TIMEOUT_MS = 300000;

function onPath(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).status === 0;
}

function peersIn(dir) {
  return [
    { name: 'ntma', command: process.execPath, script: path.join(dir, 'ntma.mjs'), needs: null },
    {
      name: 'R stlf(arima)',
      command: 'Rscript',
      script: path.join(dir, 'r-stlf-arima.R'),
      needs: 'Rscript (Debian r-cran-forecast)',
    },
    {
      name: 'statsmodels',
      command: '/usr/bin/python3',
      script: path.join(dir, 'statsmodels-stl-arima.py'),
      needs: '/usr/bin/python3 with statsmodels (Debian python3-statsmodels)',
    },
  ];
}

function available(peer) {
  if (!existsSync(peer.script)) return `runner ${peer.script} not found`;
  if (peer.command === 'Rscript' && !onPath('Rscript')) return `${peer.needs} not installed`;
  if (peer.command === 'Rscript' && spawnSync('Rscript', ['-e', 'library(forecast)']).status !== 0) {
    return `${peer.needs}: R package forecast not installed`;
  }
  if (peer.command === '/usr/bin/python3' && spawnSync(peer.command, ['-c', 'import statsmodels']).status !== 0) {
    return `${peer.needs} not installed`;
  }
  return null;
}

function run(peer, input, dir) {
  const source = path.join(dir, 'input.json');
  const target = path.join(dir, `${peer.name.replace(/\W+/g, '-')}.json`);
  writeFileSync(source, JSON.stringify(input));
  const result = spawnSync(peer.command, [peer.script, source, target], {
    encoding: 'utf8',
    timeout: PEER_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const why =
      result.error?.code === 'ETIMEDOUT' ? `timed out after ${PEER_TIMEOUT_MS} ms` : result.stderr.slice(-400);
    throw new Error(`${peer.name} failed: ${why}`);
  }
  return JSON.parse(readFileSync(target, 'utf8'));
}

function coverage(actual, lower, upper) {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  return inside / actual.length;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (v, d = 1) => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(d)));

/**
 * The series every peer is given, in order: per size a few seeds of the bench's traffic from `start` (a
 * fixed instant, SERIES_START), trained on `size` points with `holdout` after them.
 */
export function peerSeries({ sizes, holdout, step, start, quick }) {
  const series = [];
  for (const size of sizes) {
    // Long series are slow for the peers (statsmodels most); one seed bounds the run.
    const seeds = quick || size > 10080 ? 1 : 3;
    for (let seed = 0; seed < seeds; seed++) {
      series.push({ size, seed, values: generateTraffic(size + holdout, step, start, 9000 + seed) });
    }
  }
  return series;
}

/**
 * For each size: a few seeds of the bench's traffic, trained on `size` points, forecast over the
 * held-out hour. MASE uses one scale for every peer (in-sample mean |y_t - y_{t-1}|); the speed
 * ratio is peer fit time over ours, both timed inside their runner (no process start-up).
 */
export async function runPeers({ root, sizes, holdout, step, start, quick, log }) {
  const dir = path.join(root, 'bench/forecast-peers');
  const skipped = [];
  const peers = [];
  for (const peer of peersIn(dir)) {
    const reason = available(peer);
    if (reason) skipped.push({ peer: peer.name, reason });
    else peers.push(peer);
  }
  const ours = peers.find((p) => p.name === 'ntma');
  if (!ours) return { compared: [], skipped };
  const work = mkdtempSync(path.join(tmpdir(), 'ntma-bench-peers-'));
  const results = new Map(); // `${size}/${peer}` -> [{fitMs, mase, coverage, model}]
  try {
    for (const { size, seed, values } of peerSeries({ sizes, holdout, step, start, quick })) {
      const train = values.slice(0, size);
      const test = values.slice(size);
      const input = { values: train, step, horizon: holdout, level: 0.95 };
      for (const peer of peers) {
        const key = `${size}/${peer.name}`;
        if (skipped.some((s) => s.peer === peer.name && s.points === size)) continue;
        try {
          log(`peer ${peer.name} on ${size} points (seed ${seed})`);
          const out = run(peer, input, work);
          const entry = {
            fitMs: out.fitMs,
            mase: mase(train, test, out.forecast, 1),
            coverage: coverage(test, out.lower, out.upper),
            model: out.model,
          };
          results.set(key, [...(results.get(key) ?? []), entry]);
        } catch (error) {
          skipped.push({ peer: peer.name, points: size, reason: error.message });
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const compared = [];
  for (const size of sizes) {
    const mine = results.get(`${size}/ntma`);
    if (!mine) continue;
    const ourFit = median(mine.map((e) => e.fitMs));
    const ourMase = median(mine.map((e) => e.mase));
    for (const peer of peers) {
      const theirs = results.get(`${size}/${peer.name}`);
      if (!theirs) continue;
      const fit = median(theirs.map((e) => e.fitMs));
      const m = median(theirs.map((e) => e.mase));
      compared.push({
        points: size,
        peer: peer.name,
        model: theirs[0].model,
        runs: theirs.length,
        fitP50Ms: round(fit),
        speedup: peer === ours ? null : round(fit / ourFit, 2),
        mase: round(m, 3),
        maseDelta: peer === ours ? null : round(ourMase - m, 3),
        coverage95: round(median(theirs.map((e) => e.coverage)), 3),
      });
    }
  }
  return { compared, skipped };
}
