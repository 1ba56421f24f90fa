import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CorpusError, loadCorpus, parseDataCsv, parseProfiles, windowsToRows } from './corpus.js';

const PROFILES = { standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } } };

/** The corpora these tests make, removed once they are done. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function corpusDir(files: Record<string, string>, windows: Record<string, Array<[string, string]>>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nab-corpus-'));
  made.push(root);
  mkdirSync(path.join(root, 'config'));
  mkdirSync(path.join(root, 'labels'));
  writeFileSync(path.join(root, 'config/profiles.json'), JSON.stringify(PROFILES));
  writeFileSync(path.join(root, 'labels/combined_windows.json'), JSON.stringify(windows));
  for (const [key, text] of Object.entries(files)) {
    mkdirSync(path.join(root, 'data', path.dirname(key)), { recursive: true });
    writeFileSync(path.join(root, 'data', key), text);
  }
  return root;
}

const rows = (n: number): string =>
  [
    'timestamp,value',
    ...Array.from(
      { length: n },
      (_, i) =>
        `2014-04-10 ${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00,${i}`,
    ),
  ].join('\r\n');

describe('parseDataCsv', () => {
  it('reads timestamps and values, keeping the timestamp text as written', () => {
    const parsed = parseDataCsv('timestamp,value\r\n2014-04-10 00:00:00,1\r\n2014-04-10 00:05:00,2.5', 'a.csv');
    expect(parsed.timestampText).toEqual(['2014-04-10 00:00:00', '2014-04-10 00:05:00']);
    expect(parsed.values).toEqual([1, 2.5]);
    expect(parsed.timestamps[1]! - parsed.timestamps[0]!).toBe(300);
  });

  it('accepts the columns in any order and repeated timestamps', () => {
    const parsed = parseDataCsv('value,timestamp\n1,2014-04-10 00:00:00\n2,2014-04-10 00:00:00\n', 'a.csv');
    expect(parsed.values).toEqual([1, 2]);
  });

  it('keeps rows whose clock repeats or goes back, in file order, and reads an unusable value as missing', () => {
    const parsed = parseDataCsv(
      'timestamp,value\n2014-04-10 00:05:00,1\n2014-04-10 00:00:00,abc\n2014-04-10 00:00:00,\n2014-04-10 00:10:00,4\n',
      'c.csv',
    );
    expect(parsed.timestampText).toEqual([
      '2014-04-10 00:05:00',
      '2014-04-10 00:00:00',
      '2014-04-10 00:00:00',
      '2014-04-10 00:10:00',
    ]);
    expect(parsed.values).toEqual([1, Number.NaN, Number.NaN, 4]);
  });

  it('names the file and row of a bad timestamp, and a file without the columns or rows', () => {
    expect(() => parseDataCsv('timestamp,value\nnope,1\n', 'b.csv')).toThrow(/b\.csv row 2: not a timestamp/);
    expect(() => parseDataCsv('time,v\n', 'd.csv')).toThrow(/d\.csv: expected a header/);
    expect(() => parseDataCsv('timestamp,value\n', 'e.csv')).toThrow(/e\.csv: no data rows/);
  });
});

describe('windowsToRows', () => {
  const timestamps = [0, 300, 600, 900, 1200].map((s) => s + Date.UTC(2014, 0, 1) / 1000);
  it('maps label timestamps onto the rows they cover, inclusive', () => {
    expect(windowsToRows(timestamps, [['2014-01-01 00:05:00.000000', '2014-01-01 00:15:00.000000']], 'f')).toEqual([
      { start: 1, end: 3 },
    ]);
  });

  it('clips a window to the data and drops one with no rows, as in a truncated file', () => {
    expect(windowsToRows(timestamps, [['2014-01-01 00:15:00', '2014-01-01 02:00:00']], 'f')).toEqual([
      { start: 3, end: 4 },
    ]);
    expect(windowsToRows(timestamps, [['2014-01-02 00:00:00', '2014-01-02 01:00:00']], 'f')).toEqual([]);
  });

  it('covers the rows stamped inside a window where the clock repeats or goes back', () => {
    const t0 = Date.UTC(2014, 0, 1) / 1000;
    const stamps = [0, 300, 600, 300, 600, 900, 1200].map((s) => t0 + s);
    expect(windowsToRows(stamps, [['2014-01-01 00:05:00', '2014-01-01 00:10:00']], 'f')).toEqual([
      { start: 1, end: 4 },
    ]);
  });

  it('rejects reversed or overlapping windows', () => {
    expect(() => windowsToRows(timestamps, [['2014-01-01 00:15:00', '2014-01-01 00:05:00']], 'f')).toThrow(/ends/);
    expect(() =>
      windowsToRows(
        timestamps,
        [
          ['2014-01-01 00:00:00', '2014-01-01 00:10:00'],
          ['2014-01-01 00:05:00', '2014-01-01 00:15:00'],
        ],
        'f',
      ),
    ).toThrow(/overlap/);
  });
});

describe('parseProfiles', () => {
  it('reads the cost matrices and names a missing weight', () => {
    expect(parseProfiles(PROFILES, 'p')).toEqual({ standard: { tp: 1, fn: 1, fp: 0.11 } });
    expect(() => parseProfiles({ x: { CostMatrix: { tpWeight: 1, fnWeight: 1 } } }, 'p')).toThrow(
      /x\.CostMatrix\.fpWeight/,
    );
  });
});

describe('loadCorpus', () => {
  it('loads every labelled file with its windows, sorted by category and name', () => {
    const root = corpusDir(
      { 'b/two.csv': rows(24), 'a/one.csv': rows(12), 'a/notes.txt': 'ignored' },
      { 'a/one.csv': [], 'b/two.csv': [['2014-04-10 01:00:00.000000', '2014-04-10 01:10:00.000000']] },
    );
    const corpus = loadCorpus(root);
    expect(corpus.files.map((f) => f.key)).toEqual(['a/one.csv', 'b/two.csv']);
    expect(corpus.files[1]!.windows).toEqual([{ start: 12, end: 14 }]);
    expect(corpus.files[1]).toMatchObject({ category: 'b', name: 'two.csv' });
    expect(corpus.profiles.standard).toEqual({ tp: 1, fn: 1, fp: 0.11 });
    expect(loadCorpus(root, { only: ['two'] }).files.map((f) => f.key)).toEqual(['b/two.csv']);
  });

  it('refuses a data file that has no labels entry, naming it', () => {
    const root = corpusDir({ 'a/one.csv': rows(12) }, {});
    expect(() => loadCorpus(root)).toThrow(CorpusError);
    expect(() => loadCorpus(root)).toThrow(/a\/one\.csv: has no entry/);
  });

  it('names the missing file when the corpus directory is wrong', () => {
    expect(() => loadCorpus('/nonexistent/nab')).toThrow(/profiles\.json/);
  });
});
