/**
 * The NAB backtest end to end on two real files, cut short to keep it quick: the real forecasting
 * engine, both detectors, the results CSVs, summary.json and the report; then the same file cut
 * at row k must give the same scores for rows 0..k (no look-ahead anywhere in the pipeline).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fit } from '../../sidecar/src/forecast/fit.js';
import { parseCsv } from '../../sidecar/src/nab/csv.js';
import { BASELINE_NAME, DETECTOR_NAME, defaultDetectors } from '../../sidecar/src/nab/detectors.js';
import { resultPath } from '../../sidecar/src/nab/results-csv.js';
import { runBacktest } from '../../sidecar/src/nab/run-backtest.js';
import type { BacktestSummary } from '../../sidecar/src/nab/summary.js';
import { describeWith, type Component } from '../support/components.js';

const NAB = process.env.NAB_DATA ?? path.resolve(__dirname, '../../../shared/nab');
const nabCorpus: Component = {
  name: 'NAB development corpus',
  path: existsSync(path.join(NAB, 'labels/combined_windows.json')) ? NAB : undefined,
  install: `expected at ${NAB}; set NAB_DATA to a NAB-layout corpus`,
};

/** The two files and how many rows of each the test keeps (both keep at least one window). */
const CUTS: Record<string, number> = {
  'realTraffic/speed_7578.csv': 800,
  'realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv': 1900,
};

/** Writes a NAB-layout corpus with the first `rows` data rows of each chosen file. */
function cutCorpus(root: string, cuts: Record<string, number>): void {
  const windows = JSON.parse(readFileSync(path.join(NAB, 'labels/combined_windows.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  mkdirSync(path.join(root, 'config'), { recursive: true });
  mkdirSync(path.join(root, 'labels'), { recursive: true });
  writeFileSync(path.join(root, 'config/profiles.json'), readFileSync(path.join(NAB, 'config/profiles.json')));
  const labels: Record<string, unknown> = {};
  for (const [key, rows] of Object.entries(cuts)) {
    const lines = readFileSync(path.join(NAB, 'data', key), 'utf8').split(/\r?\n/);
    mkdirSync(path.join(root, 'data', path.dirname(key)), { recursive: true });
    // Header plus `rows` rows, with no final newline and CRLF: the reader must cope with both.
    writeFileSync(path.join(root, 'data', key), lines.slice(0, rows + 1).join('\r\n'));
    labels[key] = windows[key];
  }
  writeFileSync(path.join(root, 'labels/combined_windows.json'), JSON.stringify(labels));
}

function readResult(out: string, detector: string, key: string): string[][] {
  const [category, name] = key.split('/') as [string, string];
  return parseCsv(readFileSync(resultPath(out, detector, { category, name }), 'utf8'));
}

describeWith([nabCorpus], 'NAB backtest over two cut files', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'ntma-backtest-'));
  const data = path.join(work, 'data');
  const out = path.join(work, 'out');
  let summary: BacktestSummary;

  beforeAll(() => {
    cutCorpus(data, CUTS);
    summary = runBacktest({ dataDir: data, outDir: out, detectors: defaultDetectors(fit) });
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes one timestamp,value,anomaly_score CSV per file and detector, row for row', () => {
    for (const detector of [DETECTOR_NAME, BASELINE_NAME]) {
      for (const [key, rows] of Object.entries(CUTS)) {
        const source = parseCsv(readFileSync(path.join(data, 'data', key), 'utf8'));
        const result = readResult(out, detector, key);
        expect(result[0]).toEqual(['timestamp', 'value', 'anomaly_score']);
        expect(result).toHaveLength(rows + 1);
        for (let i = 1; i <= rows; i += 1) {
          expect(result[i]![0]).toBe(source[i]![0]);
          expect(Number(result[i]![1])).toBe(Number(source[i]![1]));
          const score = Number(result[i]![2]);
          expect(score >= 0 && score <= 1).toBe(true);
        }
      }
    }
  });

  it('summarises all three profiles for both detectors, with per-file detail and the run time', () => {
    const written = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as BacktestSummary;
    expect(written.corpus).toEqual({ files: 2, rows: 2700, windows: summary.corpus.windows });
    expect(written.corpus.windows).toBeGreaterThanOrEqual(3);
    for (const detector of [DETECTOR_NAME, BASELINE_NAME]) {
      const d = written.detectors[detector]!;
      expect(Object.keys(d.profiles).sort()).toEqual(['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
      for (const profile of Object.values(d.profiles)) {
        expect(profile.score).toBeLessThanOrEqual(100);
        expect(profile.threshold).toBeGreaterThan(0);
        expect(profile.threshold).toBeLessThanOrEqual(1.1);
      }
      expect(d.files.map((f) => f.key).sort()).toEqual(Object.keys(CUTS).sort());
      for (const file of d.files) {
        const standard = file.outcomes.standard!;
        expect(standard.hits + standard.misses).toBe(file.windows);
        expect(standard.falsePositives).toBeGreaterThanOrEqual(0);
      }
    }
    expect(written.detectors[DETECTOR_NAME]!.files.every((f) => f.fits > 0)).toBe(true);
    expect(written.runSeconds).toBeGreaterThan(0);
    expect(Object.keys(written.standardRatio)).toEqual([BASELINE_NAME]);
  });

  it('draws one chart per file in the report', () => {
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    for (const key of Object.keys(CUTS)) expect(html).toContain(key);
  });

  it('does not look ahead: cutting a file at row k leaves the scores of rows 0..k unchanged', () => {
    const key = 'realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv';
    const k = 1600; // inside the anomaly window, where the detector is busiest
    const cutData = path.join(work, 'cut-data');
    const cutOut = path.join(work, 'cut-out');
    cutCorpus(cutData, { [key]: k + 1 });
    runBacktest({ dataDir: cutData, outDir: cutOut, detectors: defaultDetectors(fit), report: false });
    for (const detector of [DETECTOR_NAME, BASELINE_NAME]) {
      const full = readResult(out, detector, key).slice(1, k + 2);
      const cut = readResult(cutOut, detector, key).slice(1);
      expect(cut).toHaveLength(k + 1);
      expect(cut).toEqual(full);
    }
  });
});
