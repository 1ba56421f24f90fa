import type { FileRun } from './backtest.js';
import type { NabFile } from './corpus.js';
import { renderReport } from './report.js';
import { scoreCorpus } from './scorer.js';

const n = 1000;
const nabFile: NabFile = {
  key: 'cat/<odd & name>.csv',
  category: 'cat',
  name: '<odd & name>.csv',
  timestampText: Array.from({ length: n }, (_, i) => String(i)),
  timestamps: Array.from({ length: n }, (_, i) => i * 300),
  values: Array.from({ length: n }, (_, i) => (i === 600 ? 50 : Math.sin(i / 20))),
  windows: [{ start: 580, end: 640 }],
};

function run(scores: (i: number) => number): FileRun {
  return {
    key: nabFile.key,
    stepSeconds: 300,
    scores: Float64Array.from({ length: n }, (_, i) => scores(i)),
    forecast: Float64Array.from({ length: n }, (_, i) => (i < 100 ? Number.NaN : Math.sin(i / 20))),
    lower: Float64Array.from({ length: n }, (_, i) => (i < 100 ? Number.NaN : Math.sin(i / 20) - 1)),
    upper: Float64Array.from({ length: n }, (_, i) => (i < 100 ? Number.NaN : Math.sin(i / 20) + 1)),
    kinds: Array(n).fill(null),
    fits: 1,
    failedFits: 0,
    models: ['fake'],
    fitMillis: 1,
    millis: 2,
  };
}

describe('renderReport', () => {
  const profiles = { standard: { tp: 1, fn: 1, fp: 0.11 } };
  const ours = run((i) => (i === 600 || i === 900 ? 0.9 : 0.1));
  const baseline = run((i) => (i === 590 ? 0.8 : 0));
  const scoredOurs = scoreCorpus([{ key: nabFile.key, scores: ours.scores, windows: nabFile.windows }], profiles);
  const scoredBase = scoreCorpus([{ key: nabFile.key, scores: baseline.scores, windows: nabFile.windows }], profiles);
  const html = renderReport({
    title: 'test <report>',
    files: [nabFile],
    detectors: [
      { name: 'ours', runs: [ours], result: scoredOurs.standard!, colour: '#d62728' },
      { name: 'base', runs: [baseline], result: scoredBase.standard!, colour: '#2ca02c' },
    ],
    scores: [
      { detector: 'ours', profiles: scoredOurs },
      { detector: 'base', profiles: scoredBase },
    ],
  });

  it('draws one chart per file with its window, band, values and both score lanes', () => {
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html.match(/class="window"/g)).toHaveLength(1);
    expect(html).toContain('class="band"');
    expect(html).toContain('class="values"');
    expect(html.match(/class="lane"/g)).toHaveLength(2);
  });

  it('marks our detections as dots and the baseline detections as ticks', () => {
    // Ours fires at rows 600 and 900 at its threshold 0.9; the baseline at row 590.
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html.match(/<rect x="[^"]+" y="[^"]+" width="3" height="5" fill="#2ca02c"\/>/g)).toHaveLength(1);
  });

  it('escapes names and titles', () => {
    expect(html).toContain('cat/&#60;odd &#38; name&#62;.csv');
    expect(html).not.toContain('<odd');
    expect(html).toContain('<title>test &#60;report&#62;</title>');
  });

  it('keeps a one-point spike visible after thinning the series to the plot width', () => {
    const values = /<path class="values" d="([^"]+)"/.exec(html)![1]!;
    const ys = [...values.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    // Row 600 (value 50) is the only vertex near the top; the sine stays in the bottom band.
    expect(ys.filter((y) => y < 40)).toHaveLength(1);
    expect(ys.length).toBeLessThanOrEqual(2 * 1126);
  });
});
