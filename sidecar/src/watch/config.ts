/**
 * The watchers file: which PromQL expressions the sidecar keeps a band over, and how. Parsed and
 * validated once at start; every problem is reported with its file, line, column and field path,
 * all at once, so an operator fixes the file in one pass instead of one error per restart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { ConfigError } from '../config.js';
import { formatDuration, parseDurationMs } from './duration.js';

/** What the watched series itself measures; lets the attack classifier use it as one of its signals. */
export const SERIES_ROLES = ['bytes', 'packets', 'requests', 'other'] as const;
export type SeriesRole = (typeof SERIES_ROLES)[number];

/** Companion signals the attack classifier reads (see classify.ts for the rule). */
export const SIGNAL_ROLES = [
  'bytes',
  'packets',
  'requests',
  'sources',
  'passive_opens',
  'syncookies_sent',
  'listen_drops',
] as const;
export type SignalRole = (typeof SIGNAL_ROLES)[number];

export type Sensitivity = 'low' | 'medium' | 'high';

/**
 * Band confidence per sensitivity: a more sensitive watcher draws a narrower band. 0.999 keeps a
 * quiet series at about one excursion a day at a 1-minute step; 0.95 is for series someone watches.
 */
export const SENSITIVITY_CONFIDENCE: Record<Sensitivity, number> = { low: 0.999, medium: 0.99, high: 0.95 };

export interface WatcherSpec {
  name: string;
  expr: string;
  stepSeconds: number;
  trainSeconds: number;
  sensitivity: Sensitivity | number;
  /** Band confidence derived from the sensitivity. */
  confidence: number;
  role: SeriesRole;
  /** Series beyond this many are not watched (and the watcher logs it). */
  maxSeries: number;
  /** Template of the `ntma_target` label: `{{label}}` takes the series' own label value. */
  target: string | undefined;
  signals: Partial<Record<SignalRole, string>>;
  /** Where the watcher is declared, for messages. */
  line: number;
}

export interface WatchConfig {
  /** The file it came from (or "<defaults>"). */
  source: string;
  watchers: WatcherSpec[];
}

export interface ConfigIssue {
  line: number;
  column: number;
  /** e.g. "watchers[2].step". */
  field: string;
  message: string;
}

/** An invalid watchers file; the message lists every issue as `file:line:col field: message`. */
export class WatchConfigError extends ConfigError {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      'NTMA_WATCHERS',
      `invalid watchers file ${source}:\n` +
        [...issues]
          .sort((a, b) => a.line - b.line || a.column - b.column)
          .map((i) => `  ${source}:${i.line}:${i.column} ${i.field}: ${i.message}`)
          .join('\n'),
    );
    this.name = 'WatchConfigError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const MIN_STEP_MS = 1000;
const MAX_STEP_MS = 3_600_000;
/** A week at one minute: past this a fit is slow and the engine downsamples anyway. */
export const MAX_TRAINING_POINTS = 10_080;
const MIN_TRAINING_POINTS = 10;
const DEFAULT_MAX_SERIES = 10_000;

const DEFAULTS_KEYS = ['step', 'train', 'sensitivity', 'max_series'] as const;
const WATCHER_KEYS = [
  'name',
  'expr',
  'step',
  'train',
  'sensitivity',
  'role',
  'max_series',
  'target',
  'signals',
] as const;

type Fields = Map<string, Pair<YamlNode, YamlNode | null>> & { written: Set<string> };

/** Walks the YAML tree, remembering where each node is so issues can name line and column. */
class Checker {
  readonly issues: ConfigIssue[] = [];
  constructor(private readonly lines: LineCounter) {}

  issue(node: YamlNode | null | undefined, field: string, message: string, fallbackOffset = 0): void {
    const offset = node?.range?.[0] ?? fallbackOffset;
    const { line, col } = this.lines.linePos(offset);
    this.issues.push({ line, column: col, field, message });
  }

  lineOf(node: YamlNode | null | undefined): number {
    return this.lines.linePos(node?.range?.[0] ?? 0).line;
  }

  /**
   * The map's pairs by key, reporting keys that are not allowed (typos fail loudly) and keys
   * without a value; `written` holds every key present, so "is required" is not reported twice.
   */
  pairs(node: YamlNode, field: string, allowed: readonly string[]): Fields {
    const out: Fields = new Map() as Fields;
    out.written = new Set();
    if (!isMap(node)) {
      this.issue(node, field, 'expected a mapping');
      return out;
    }
    for (const pair of node.items as Array<Pair<YamlNode, YamlNode | null>>) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) {
        this.issue(pair.key, field, 'keys must be plain strings');
        continue;
      }
      out.written.add(key);
      if (!allowed.includes(key)) {
        this.issue(pair.key, `${field}.${key}`, `unknown field; expected one of ${allowed.join(', ')}`);
        continue;
      }
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
        // `step:` with nothing after it; point at the key since the value has no position.
        this.issue(pair.key, `${field}.${key}`, 'has no value');
        continue;
      }
      out.set(key, pair);
    }
    return out;
  }

  string(node: YamlNode | null | undefined, field: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      this.issue(node, field, 'expected a non-empty string');
      return undefined;
    }
    return node.value.trim();
  }

  durationMs(node: YamlNode | null | undefined, field: string): number | undefined {
    const raw = isScalar(node) ? node.value : undefined;
    const ms = typeof raw === 'string' ? parseDurationMs(raw) : undefined;
    if (ms === undefined) {
      this.issue(node, field, `expected a duration such as "15s", "5m" or "6h", got ${JSON.stringify(raw ?? null)}`);
    }
    return ms;
  }

  integer(node: YamlNode | null | undefined, field: string, min: number, max: number): number | undefined {
    const raw = isScalar(node) ? node.value : undefined;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
      this.issue(node, field, `expected a whole number in ${min}..${max}, got ${JSON.stringify(raw ?? null)}`);
      return undefined;
    }
    return raw;
  }

  sensitivity(node: YamlNode | null | undefined, field: string): Sensitivity | number | undefined {
    const raw = isScalar(node) ? node.value : undefined;
    if (raw === 'low' || raw === 'medium' || raw === 'high') return raw;
    if (typeof raw === 'number' && raw >= 0.8 && raw <= 0.9999) return raw;
    this.issue(
      node,
      field,
      `expected low, medium, high or a band confidence in 0.8..0.9999, got ${JSON.stringify(raw ?? null)}`,
    );
    return undefined;
  }
}

interface Defaults {
  stepMs: number;
  trainMs: number;
  sensitivity: Sensitivity | number;
  maxSeries: number;
}

function readDefaults(check: Checker, node: YamlNode | null | undefined): Defaults {
  const defaults: Defaults = {
    stepMs: 15_000,
    trainMs: 6 * 3_600_000,
    sensitivity: 'medium',
    maxSeries: DEFAULT_MAX_SERIES,
  };
  if (node === undefined || node === null) return defaults;
  const fields = check.pairs(node, 'defaults', DEFAULTS_KEYS);
  const step = fields.get('step');
  if (step) defaults.stepMs = check.durationMs(step.value, 'defaults.step') ?? defaults.stepMs;
  const train = fields.get('train');
  if (train) defaults.trainMs = check.durationMs(train.value, 'defaults.train') ?? defaults.trainMs;
  const sensitivity = fields.get('sensitivity');
  if (sensitivity) {
    defaults.sensitivity = check.sensitivity(sensitivity.value, 'defaults.sensitivity') ?? defaults.sensitivity;
  }
  const maxSeries = fields.get('max_series');
  if (maxSeries) {
    defaults.maxSeries = check.integer(maxSeries.value, 'defaults.max_series', 1, 1_000_000) ?? defaults.maxSeries;
  }
  return defaults;
}

function readTarget(check: Checker, node: YamlNode | null | undefined, field: string): string | undefined {
  const template = check.string(node, field);
  if (template === undefined) return undefined;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!LABEL_NAME.test(match[1]!)) {
      check.issue(node, field, `"{{${match[1]}}}" is not a label name`);
      return undefined;
    }
  }
  return template;
}

function readSignals(check: Checker, node: YamlNode | null | undefined, field: string): WatcherSpec['signals'] {
  const signals: WatcherSpec['signals'] = {};
  if (node === undefined || node === null) return signals;
  for (const [role, pair] of check.pairs(node, field, SIGNAL_ROLES)) {
    const expr = check.string(pair.value, `${field}.${role}`);
    if (expr !== undefined) signals[role as SignalRole] = expr;
  }
  return signals;
}

function readWatcher(check: Checker, node: YamlNode, index: number, defaults: Defaults): WatcherSpec | undefined {
  const field = `watchers[${index}]`;
  const before = check.issues.length;
  const fields = check.pairs(node, field, WATCHER_KEYS);
  if (!isMap(node)) return undefined;

  const nameNode = fields.get('name')?.value;
  let name: string | undefined;
  if (!fields.written.has('name')) check.issue(node, `${field}.name`, 'is required');
  else if (nameNode) {
    name = check.string(nameNode, `${field}.name`);
    if (name !== undefined && !NAME.test(name)) {
      check.issue(
        nameNode,
        `${field}.name`,
        'use letters, digits, "_", "-" or "." (at most 64), starting with a letter',
      );
    }
  }

  let expr: string | undefined;
  if (!fields.written.has('expr')) check.issue(node, `${field}.expr`, 'is required (a PromQL expression)');
  else if (fields.has('expr')) expr = check.string(fields.get('expr')?.value, `${field}.expr`);

  const stepPair = fields.get('step');
  let stepMs = defaults.stepMs;
  if (stepPair) stepMs = check.durationMs(stepPair.value, `${field}.step`) ?? stepMs;
  if (stepMs < MIN_STEP_MS || stepMs > MAX_STEP_MS || stepMs % 1000 !== 0) {
    check.issue(
      stepPair?.value ?? node,
      `${field}.step`,
      `must be whole seconds in 1s..1h, got ${formatDuration(stepMs)}`,
    );
  }

  const trainPair = fields.get('train');
  let trainMs = defaults.trainMs;
  if (trainPair) trainMs = check.durationMs(trainPair.value, `${field}.train`) ?? trainMs;
  const points = Math.floor(trainMs / stepMs);
  if (points < MIN_TRAINING_POINTS || points > MAX_TRAINING_POINTS) {
    check.issue(
      trainPair?.value ?? node,
      `${field}.train`,
      `${formatDuration(trainMs)} at a ${formatDuration(stepMs)} step is ${points} points; ` +
        `keep it within ${MIN_TRAINING_POINTS}..${MAX_TRAINING_POINTS}`,
    );
  }

  const sensitivityPair = fields.get('sensitivity');
  const sensitivity = sensitivityPair
    ? (check.sensitivity(sensitivityPair.value, `${field}.sensitivity`) ?? defaults.sensitivity)
    : defaults.sensitivity;

  let role: SeriesRole = 'other';
  const rolePair = fields.get('role');
  if (rolePair) {
    const raw = isScalar(rolePair.value) ? rolePair.value.value : undefined;
    if (SERIES_ROLES.includes(raw as SeriesRole)) role = raw as SeriesRole;
    else {
      check.issue(
        rolePair.value,
        `${field}.role`,
        `expected one of ${SERIES_ROLES.join(', ')}, got ${JSON.stringify(raw ?? null)}`,
      );
    }
  }

  const maxSeriesPair = fields.get('max_series');
  const maxSeries = maxSeriesPair
    ? (check.integer(maxSeriesPair.value, `${field}.max_series`, 1, 1_000_000) ?? defaults.maxSeries)
    : defaults.maxSeries;

  const targetPair = fields.get('target');
  const target = targetPair ? readTarget(check, targetPair.value, `${field}.target`) : undefined;
  const signals = readSignals(check, fields.get('signals')?.value, `${field}.signals`);

  if (check.issues.length > before || name === undefined || expr === undefined) return undefined;
  return {
    name,
    expr,
    stepSeconds: stepMs / 1000,
    trainSeconds: trainMs / 1000,
    sensitivity,
    confidence: typeof sensitivity === 'number' ? sensitivity : SENSITIVITY_CONFIDENCE[sensitivity],
    role,
    maxSeries,
    target,
    signals,
    line: check.lineOf(node),
  };
}

/** Parses and validates a watchers file's text; throws WatchConfigError listing every issue. */
export function parseWatchConfig(text: string, source: string): WatchConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const check = new Checker(lines);
  for (const error of document.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    check.issues.push({ line, column: col, field: '(yaml)', message: error.message.split('\n')[0]! });
  }
  if (check.issues.length > 0) throw new WatchConfigError(source, check.issues);

  const root = document.contents;
  const top = check.pairs(root ?? document.createNode({}), '(root)', ['defaults', 'watchers']);
  const defaults = readDefaults(check, top.get('defaults')?.value);
  const list = top.get('watchers')?.value;
  const watchers: WatcherSpec[] = [];
  if (!top.written.has('watchers')) check.issue(root, 'watchers', 'is required (a list of watchers)');
  else if (!list) {
    // `watchers:` with no value: pairs() already reported it.
  } else if (!isSeq(list)) check.issue(list, 'watchers', 'expected a list');
  else {
    const seen = new Map<string, number>();
    list.items.forEach((item, index) => {
      const spec = readWatcher(check, item as YamlNode, index, defaults);
      if (!spec) return;
      const first = seen.get(spec.name);
      if (first !== undefined) {
        const where = isMap(item) ? (item.get('name', true) as YamlNode) : (item as YamlNode);
        check.issue(where, `watchers[${index}].name`, `"${spec.name}" is already used by watchers[${first}]`);
        return;
      }
      seen.set(spec.name, index);
      watchers.push(spec);
    });
  }
  if (check.issues.length > 0) throw new WatchConfigError(source, check.issues);
  return { source, watchers };
}

/** The watchers shipped with the sidecar (sidecar/watchers.default.yml); the same path from src/ and dist/. */
export const DEFAULT_WATCHERS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'watchers.default.yml',
);

/** Reads NTMA_WATCHERS (or the shipped defaults); a missing or unreadable file is a config error too. */
export function loadWatchConfig(file: string | undefined): WatchConfig {
  const source = file ?? DEFAULT_WATCHERS_FILE;
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    // Duck-typed: fs errors may come from another realm (e.g. under jest), failing instanceof.
    const reason = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw new ConfigError('NTMA_WATCHERS', `cannot read watchers file ${source} (${reason})`);
  }
  return parseWatchConfig(text, source);
}
