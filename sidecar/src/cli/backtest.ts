/**
 * npm run backtest -- --data ../shared/nab --out <dir> [--only text[,text...]] [--no-report] [--ablation]
 *
 * Streams every NAB file through the detector and the windowed-Gaussian baseline, scores both
 * with the NAB rule and writes results CSVs, summary.json and report.html under --out.
 * Progress goes to stderr, the score table to stdout.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fit } from '../forecast/fit.js';
import { ablations, defaultDetectors } from '../nab/detectors.js';
import { runBacktest, type ProgressSink } from '../nab/run-backtest.js';
import type { BacktestSummary } from '../nab/summary.js';

export interface CliOptions {
  data: string;
  out: string;
  only: string[];
  report: boolean;
  /** Also runs the detector with each part removed (see nab/detectors.ts). */
  ablation: boolean;
}

export const USAGE =
  'usage: backtest --data <NAB corpus dir> --out <results dir> [--only text[,text...]] [--no-report] [--ablation]';

/** Parses argv (without node and the script); throws an Error naming the bad argument. */
export function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      'no-report': { type: 'boolean', default: false },
      ablation: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  if (!values.data) throw new Error('--data is required (the NAB corpus directory, e.g. ../shared/nab)');
  if (!values.out) throw new Error('--out is required (where results, summary.json and report.html go)');
  const only = (values.only ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return { data: values.data, out: values.out, only, report: !values['no-report'], ablation: values.ablation };
}

/** Two bars on stderr: files done for the current detector, and rows done in the current file. */
function progressBars(): ProgressSink {
  let multi: MultiBar | null = null;
  let files: SingleBar | null = null;
  let rows: SingleBar | null = null;
  let done = 0;
  return {
    start(detector, count) {
      done = 0;
      multi = new MultiBar(
        {
          format: '{label} |{bar}| {value}/{total} {detail}',
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: true,
          notTTYSchedule: 5000,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      files = multi.create(count, 0, { label: `${detector.padEnd(16)} files`, detail: '' });
      rows = multi.create(1, 0, { label: `${''.padEnd(16)} rows `, detail: '' });
    },
    file(key, count) {
      files?.update(done, { detail: key });
      done += 1;
      rows?.setTotal(count);
      rows?.update(0, { detail: '' });
    },
    rows(value) {
      rows?.update(value);
      if (rows && value >= rows.getTotal()) files?.update(done);
    },
    stop() {
      files?.update(done, { detail: 'done' });
      // Stopping the MultiBar ends its redraw timer, which would otherwise keep the process alive.
      multi?.stop();
      multi = null;
    },
  };
}

export function formatSummary(summary: BacktestSummary): string {
  const names = Object.keys(summary.detectors);
  const profiles = Object.keys(summary.profiles);
  const lines = [
    `${summary.corpus.files} files, ${summary.corpus.rows} rows, ${summary.corpus.windows} anomaly windows; ${summary.runSeconds.toFixed(1)} s`,
    'in-sample: threshold chosen on all files (flattering); CV: chosen on three categories, scored on the fourth, mean of four',
    [
      'detector'.padEnd(22),
      ...profiles.map((p) => `${p} in-sample / CV`.padStart(34)),
      'noAnomaly FPs'.padStart(15),
    ].join(''),
  ];
  for (const name of names) {
    const d = summary.detectors[name]!;
    lines.push(
      [
        name.padEnd(22),
        ...profiles.map((p) =>
          `${d.profiles[p]!.score.toFixed(1)} (θ ${d.profiles[p]!.threshold.toFixed(3)}) / ${d.crossValidated[p]!.mean.toFixed(1)}`.padStart(
            34,
          ),
        ),
        String(d.noAnomalyFalsePositives.standard ?? '').padStart(15),
      ].join(''),
    );
  }
  const first = summary.detectors[names[0]!];
  const standard = first?.crossValidated.standard;
  if (standard) {
    lines.push(
      `${names[0]} held out (standard): ${standard.folds.map((f) => `${f.category} ${f.score.toFixed(1)}`).join(', ')}; pooled ${standard.pooled.toFixed(1)}`,
    );
  }
  for (const [name, ratio] of Object.entries(summary.standardRatio)) {
    lines.push(`${names[0]} / ${name} (standard, in-sample): ${ratio === null ? 'n/a' : ratio.toFixed(2)}x`);
  }
  return lines.join('\n');
}

export function main(argv: string[]): number {
  let options: CliOptions | 'help';
  try {
    options = parseCli(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // npm runs workspace scripts inside the workspace; INIT_CWD is where the user typed the command,
  // so "--data ../shared/nab" from the repository root means what it says.
  const base = process.env.INIT_CWD ?? process.cwd();
  const dataDir = path.resolve(base, options.data);
  const outDir = path.resolve(base, options.out);
  const summary = runBacktest({
    dataDir,
    outDir,
    only: options.only,
    report: options.report,
    detectors: [...defaultDetectors(fit), ...(options.ablation ? ablations(fit) : [])],
    progress: progressBars(),
  });
  process.stdout.write(`${formatSummary(summary)}\nwritten to ${outDir}\n`);
  return 0;
}

// Run only when executed directly, so tests can import parseCli and formatSummary.
const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (entry.endsWith(`${path.sep}cli${path.sep}backtest.js`)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`backtest failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
