/**
 * Reads a NAB-layout corpus: data/<category>/<file>.csv, labels/combined_windows.json and
 * config/profiles.json. Everything is validated here so the backtest and scorer can trust it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from './csv.js';
import { parseNabTimestamp } from './timestamps.js';

/** An anomaly window as inclusive row indices into its file. */
export interface RowWindow {
  start: number;
  end: number;
}

export interface NabFile {
  /** "category/file.csv", the key NAB's label files use. */
  key: string;
  category: string;
  /** File name without the directory, e.g. "art_noisy.csv". */
  name: string;
  /** The timestamp text exactly as in the source, echoed into the results CSVs. */
  timestampText: string[];
  /**
   * Unix seconds, in file order. Not necessarily increasing: a repeated or earlier timestamp (a
   * clock reset, a re-sent batch) is kept as the row it is, since a live stream does the same.
   */
  timestamps: number[];
  /** NaN where the row has no usable value (empty, not a number, infinite): a missing sample. */
  values: number[];
  windows: RowWindow[];
}

export interface CostProfile {
  tp: number;
  fn: number;
  fp: number;
}

export type Profiles = Record<string, CostProfile>;

export interface Corpus {
  files: NabFile[];
  profiles: Profiles;
}

export class CorpusError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'CorpusError';
  }
}

/** Parses one data CSV (header `timestamp,value`); `where` names it in errors. */
export function parseDataCsv(text: string, where: string): Pick<NabFile, 'timestampText' | 'timestamps' | 'values'> {
  const rows = parseCsv(text);
  const header = rows[0]?.map((cell) => cell.trim().toLowerCase());
  const tCol = header?.indexOf('timestamp') ?? -1;
  const vCol = header?.indexOf('value') ?? -1;
  if (tCol < 0 || vCol < 0) throw new CorpusError(where, 'expected a header with "timestamp" and "value" columns');
  const timestampText: string[] = [];
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let r = 1; r < rows.length; r += 1) {
    const row = rows[r]!;
    const line = `${where} row ${r + 1}`;
    const tText = row[tCol]?.trim() ?? '';
    const vText = row[vCol]?.trim() ?? '';
    let t: number;
    try {
      t = parseNabTimestamp(tText);
    } catch (error) {
      throw new CorpusError(line, (error as Error).message);
    }
    // A row without a usable value is a missing sample, not a broken file: it keeps its row (and
    // so its score), and the detector treats it as the gap it is, never as zero.
    const parsed = vText === '' ? Number.NaN : Number(vText);
    const v = Number.isFinite(parsed) ? parsed : Number.NaN;
    timestampText.push(tText);
    timestamps.push(t);
    values.push(v);
  }
  if (values.length === 0) throw new CorpusError(where, 'no data rows');
  return { timestampText, timestamps, values };
}

/**
 * Maps label windows (timestamp text pairs) onto rows: from the first row (in file order) whose
 * timestamp lies inside the window to the last such row. In a file whose clock only moves forward
 * that is the first row at or after the start to the last row at or before the end; where the
 * clock repeats or goes back, the window still covers one contiguous run of rows. A window with no
 * rows (e.g. in a truncated file) is dropped.
 */
export function windowsToRows(
  timestamps: ReadonlyArray<number>,
  labelled: ReadonlyArray<readonly [string, string]>,
  where: string,
): RowWindow[] {
  const windows: RowWindow[] = [];
  for (const [startText, endText] of labelled) {
    const start = parseNabTimestamp(startText);
    const end = parseNabTimestamp(endText);
    if (end < start) throw new CorpusError(where, `window ends (${endText}) before it starts (${startText})`);
    let first = -1;
    let last = -1;
    timestamps.forEach((t, row) => {
      if (t < start || t > end) return;
      if (first < 0) first = row;
      last = row;
    });
    if (first >= 0) windows.push({ start: first, end: last });
  }
  windows.sort((a, b) => a.start - b.start);
  for (let k = 1; k < windows.length; k += 1) {
    if (windows[k]!.start <= windows[k - 1]!.end) throw new CorpusError(where, 'anomaly windows overlap');
  }
  return windows;
}

export function parseProfiles(json: unknown, where: string): Profiles {
  if (typeof json !== 'object' || json === null) throw new CorpusError(where, 'expected an object of profiles');
  const profiles: Profiles = {};
  for (const [name, body] of Object.entries(json as Record<string, unknown>)) {
    const matrix = (body as { CostMatrix?: Record<string, unknown> } | null)?.CostMatrix;
    const weight = (field: string): number => {
      const value = matrix?.[field];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new CorpusError(where, `${name}.CostMatrix.${field} must be a non-negative number`);
      }
      return value;
    };
    profiles[name] = { tp: weight('tpWeight'), fn: weight('fnWeight'), fp: weight('fpWeight') };
  }
  if (Object.keys(profiles).length === 0) throw new CorpusError(where, 'no profiles');
  return profiles;
}

function parseWindowLabels(json: unknown, where: string): Map<string, Array<[string, string]>> {
  if (typeof json !== 'object' || json === null) throw new CorpusError(where, 'expected an object keyed by file');
  const labels = new Map<string, Array<[string, string]>>();
  for (const [key, list] of Object.entries(json as Record<string, unknown>)) {
    const ok =
      Array.isArray(list) &&
      list.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((cell) => typeof cell === 'string'));
    if (!ok) throw new CorpusError(`${where} "${key}"`, 'expected a list of [start, end] timestamp pairs');
    labels.set(key, list as Array<[string, string]>);
  }
  return labels;
}

export interface LoadOptions {
  /** Keeps only files whose key contains one of these substrings. */
  only?: ReadonlyArray<string>;
}

/** Loads every data file that has labels; a data file without a labels entry is an error. */
export function loadCorpus(root: string, options: LoadOptions = {}): Corpus {
  const readJson = (relative: string): unknown => {
    const file = path.join(root, relative);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new CorpusError(file, (error as Error).message);
    }
  };
  const profiles = parseProfiles(readJson('config/profiles.json'), 'config/profiles.json');
  const labels = parseWindowLabels(readJson('labels/combined_windows.json'), 'labels/combined_windows.json');

  const dataDir = path.join(root, 'data');
  let categories: string[];
  try {
    categories = readdirSync(dataDir).filter((entry) => statSync(path.join(dataDir, entry)).isDirectory());
  } catch (error) {
    throw new CorpusError(dataDir, (error as Error).message);
  }
  const files: NabFile[] = [];
  for (const category of categories.sort()) {
    for (const name of readdirSync(path.join(dataDir, category)).sort()) {
      if (!name.toLowerCase().endsWith('.csv')) continue;
      const key = `${category}/${name}`;
      if (options.only && options.only.length > 0 && !options.only.some((part) => key.includes(part))) continue;
      const labelled = labels.get(key);
      if (!labelled) throw new CorpusError(key, 'has no entry in labels/combined_windows.json');
      const parsed = parseDataCsv(readFileSync(path.join(dataDir, category, name), 'utf8'), key);
      const windows = windowsToRows(parsed.timestamps, labelled, key);
      files.push({ key, category, name, ...parsed, windows });
    }
  }
  if (files.length === 0) throw new CorpusError(dataDir, 'no labelled CSV files found');
  return { files, profiles };
}
