/**
 * The whole backtest: read the corpus, stream every file through every detector, score each
 * detector under every profile, and write the results CSVs, summary.json and report.html.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runFile, type DetectorFactory, type FileRun } from './backtest.js';
import { loadCorpus, type Corpus } from './corpus.js';
import { crossValidate, type CrossValidation } from './cross-validate.js';
import { renderReport } from './report.js';
import { writeResultCsv } from './results-csv.js';
import { scoreCorpus, type ProfileResult } from './scorer.js';
import { summariseDetector, type BacktestSummary } from './summary.js';

/** Told what is happening, e.g. to draw progress bars. */
export interface ProgressSink {
  start(detector: string, files: number, rows: number): void;
  file(key: string, rows: number): void;
  rows(done: number): void;
  stop(): void;
}

export interface BacktestOptions {
  dataDir: string;
  outDir: string;
  detectors: DetectorFactory[];
  /** Only files whose "category/file.csv" contains one of these. */
  only?: string[];
  /** Writes report.html (default true). */
  report?: boolean;
  progress?: ProgressSink;
}

const REPORT_COLOURS = ['#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

interface DetectorOutcome {
  factory: DetectorFactory;
  runs: FileRun[];
  results: Record<string, ProfileResult>;
  crossValidated: Record<string, CrossValidation>;
}

function runDetector(corpus: Corpus, factory: DetectorFactory, progress?: ProgressSink): DetectorOutcome {
  const rows = corpus.files.reduce((sum, file) => sum + file.values.length, 0);
  progress?.start(factory.name, corpus.files.length, rows);
  const runs: FileRun[] = [];
  try {
    for (const file of corpus.files) {
      progress?.file(file.key, file.values.length);
      runs.push(runFile(file, factory, (done) => progress?.rows(done)));
    }
  } finally {
    progress?.stop();
  }
  const scored = runs.map((run, i) => ({ key: run.key, scores: run.scores, windows: corpus.files[i]!.windows }));
  const results = scoreCorpus(scored, corpus.profiles);
  const crossValidated = crossValidate(
    corpus.files.map((file) => file.category),
    [{ setting: factory.name, files: scored }],
    corpus.profiles,
  );
  return { factory, runs, results, crossValidated };
}

export function runBacktest(options: BacktestOptions): BacktestSummary {
  const started = performance.now();
  if (options.detectors.length === 0) throw new Error('no detectors to run');
  for (const { name } of options.detectors) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`detector name "${name}" must match [A-Za-z0-9_-]+`);
  }
  const corpus = loadCorpus(options.dataDir, { only: options.only });
  const outcomes = options.detectors.map((factory) => runDetector(corpus, factory, options.progress));

  mkdirSync(options.outDir, { recursive: true });
  for (const { factory, runs } of outcomes) {
    corpus.files.forEach((file, i) => writeResultCsv(options.outDir, factory.name, file, runs[i]!.scores));
  }
  if (options.report !== false) {
    const html = renderReport({
      title: `NAB backtest: ${outcomes.map((o) => o.factory.name).join(' vs ')}`,
      files: corpus.files,
      detectors: outcomes.map((o, k) => ({
        name: o.factory.name,
        runs: o.runs,
        result: o.results.standard ?? Object.values(o.results)[0]!,
        colour: REPORT_COLOURS[k % REPORT_COLOURS.length]!,
      })),
      scores: outcomes.map((o) => ({ detector: o.factory.name, profiles: o.results })),
    });
    writeFileSync(path.join(options.outDir, 'report.html'), html);
  }

  const first = outcomes[0]!;
  const standardOf = (o: DetectorOutcome): number => (o.results.standard ?? Object.values(o.results)[0]!).score;
  const summary: BacktestSummary = {
    generatedAt: new Date().toISOString(),
    data: path.resolve(options.dataDir),
    corpus: {
      files: corpus.files.length,
      rows: corpus.files.reduce((sum, file) => sum + file.values.length, 0),
      windows: corpus.files.reduce((sum, file) => sum + file.windows.length, 0),
    },
    profiles: corpus.profiles,
    detectors: Object.fromEntries(
      outcomes.map((o) => [o.factory.name, summariseDetector(corpus, o.runs, o.results, o.crossValidated)] as const),
    ),
    standardRatio: Object.fromEntries(
      outcomes.slice(1).map((o) => [o.factory.name, standardOf(o) > 0 ? standardOf(first) / standardOf(o) : null]),
    ),
    runSeconds: 0,
  };
  summary.runSeconds = (performance.now() - started) / 1000;
  writeFileSync(path.join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
