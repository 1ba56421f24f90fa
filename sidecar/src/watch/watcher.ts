/**
 * One watcher: a PromQL expression evaluated every step, one streaming detector per series it
 * returns, the companion signals its attack classifier reads, and the excursions it has seen.
 * It owns no timer (service.ts schedules steps) and does no fitting (it asks the refit queue),
 * so a step is a few instant queries and O(series) arithmetic.
 */
import type { Excursion, ExcursionClassifier } from '../detect/excursion.js';
import type { ExcursionKind, StreamingDetector, Verdict } from '../detect/types.js';
import type { FitSpec } from '../forecast/types.js';
import type { RangeAnswer, RangeOptions, RangeRequest } from '../prometheus/client.js';
import type { Labels } from '@ntma/contract';
import { labelKey, type InstantSample } from '../prometheus/parse.js';
import type { AnomalyLog, AnomalyRecord } from './anomaly-log.js';
import { classify } from './classify.js';
import { WATCHER_FIT_OPTIONS } from './detectors.js';
import { provisionalModel } from './provisional.js';
import type { SignalRole, WatcherSpec } from './config.js';
import type { RefitQueue } from './refit.js';
import { BASELINE_POINTS, readingsFor, RecentValues, SignalTable } from './signals.js';

/** What a watcher needs from Prometheus (the PrometheusClient; a fake in unit tests). */
export interface WatchSource {
  query(query: string, time?: number): Promise<InstantSample[]>;
  queryRange(request: RangeRequest, options?: RangeOptions): Promise<RangeAnswer>;
}

/** A streaming detector, plus the optional hook ForecastDetector offers for failed fits. */
export type WatchDetector = StreamingDetector & { fitFailed?(): void };

/** Builds the detector of one series; `classify` names excursions with the watcher's signals. */
export type DetectorFactory = (spec: WatcherSpec, classify: ExcursionClassifier) => WatchDetector;

export interface WatcherEvents {
  /** A query failed; `code` is the domain error's code (e.g. PROMETHEUS_UNAVAILABLE). */
  queryError(code: string, error: unknown): void;
  /** New series were refused because the watcher is at its cap. */
  capHit(dropped: number): void;
  /** New series of a companion signal were refused because its table is at the watcher's cap. */
  signalCapHit(role: SignalRole, refused: number): void;
  refit(result: 'ok' | 'error', error?: unknown): void;
}

/**
 * Samples per backfill query. A watcher's history is series x points samples, and one answer is
 * parsed on the event loop in one piece: at 2,000,000 samples it was over 64 MB of JSON (past
 * the client's answer cap, so a 10,000-series watcher lost its whole history) and a parse of
 * seconds (past the overload check's loop-delay limit). A wide watcher therefore reads its
 * training window in consecutive time chunks of at most this many samples, about 8 MB and a
 * tenth of a second of parsing each (one query for a narrow watcher).
 */
export const BACKFILL_SAMPLE_BUDGET = 250_000;

/**
 * Fewest points a backfill chunk holds, whatever the budget says. Each chunk repeats every series'
 * labels (about as much JSON as four points), and costs Prometheus a pass over every series: at
 * 100,000 series the budget alone gave 2-point chunks, 120 queries whose labels were most of the
 * 1.4 GB of JSON parsed. At 8 points the labels are a third of each answer, and a chunk of 100,000
 * series (about 30 MB) still parses in a few tenths of a second.
 */
export const BACKFILL_MIN_CHUNK_POINTS = 8;

/** Backfilled points fed to detectors between two turns of the event loop (about 50 ms of work). */
const BACKFILL_POINTS_PER_TURN = 20_000;

/**
 * Series advanced in one step between two turns of the event loop (tens of milliseconds). A step of
 * 100,000 series is a second or more of detector updates; in one piece it would hold every
 * request (and the overload check would shed them) for that long.
 */
export const STEP_SERIES_PER_TURN = 5_000;

/**
 * ARIMA fits a series' first fit may spend on its order search: auto.arima's four starting models
 * and no steps from them. The search's fits are most of a fit's time (31 ms of full search against
 * 20-30 ms bounded, 240 points, loaded machine), and a warm-up of 100,000 series is bound by fits.
 * The first refit (a quarter of the window later, or sooner while history is short) searches fully.
 */
export const FIRST_FIT_SEARCH_FITS = 4;

/** Provisional models built between two turns of the event loop (tens of microseconds each). */
const PROVISIONAL_PER_TURN = 1_000;

/**
 * First fits already waiting before a new series is banded by a provisional model meanwhile: about
 * one batch, a fraction of a second of the pool. A series behind fewer gets its fit about as soon,
 * and a small watcher is banded by fitted models alone.
 */
export const PROVISIONAL_AFTER_QUEUED = 64;

/**
 * Tries a backfill query gets before its chunk is given up as a gap. At 100,000 series a loaded
 * Prometheus took longer than its evaluation timeout to expand the series of the first chunk
 * ("expanding series: context deadline exceeded"); the backfill used to end at the first failure,
 * leaving every detector to collect half an hour of live points before its first model.
 */
export const BACKFILL_ATTEMPTS = 3;

export interface WatcherOptions {
  /** PROVISIONAL_AFTER_QUEUED unless a test says otherwise. */
  provisionalAfterQueued?: number;
  /** Wait before a failed backfill query is tried again, doubled each time; default 1,000 ms. */
  backfillRetryMs?: number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export type SeriesStatus = 'warming' | 'present' | 'missing';

type Baselines = Partial<Record<SignalRole, number>>;

interface OpenExcursion {
  record: AnomalyRecord;
  startedAt: number;
  /** Signal baselines frozen when the excursion opened, so a long flood does not become its own baseline. */
  baselines: Baselines;
  /** The last point the detector still counted in the excursion. */
  lastActive: number;
}

export interface SeriesState {
  key: string;
  /** The series' own labels (no __name__). */
  labels: Labels;
  /** Labels of its ntma_* series: its own plus `watcher` and `ntma_target`. */
  exported: Labels;
  target: string | null;
  detector: WatchDetector;
  verdict: Verdict | null;
  /** The last step had a sample. */
  present: boolean;
  /** Consecutive steps without a sample. */
  missingSteps: number;
  recent: RecentValues;
  excursion: OpenExcursion | null;
  /** Set by the classifier hook while an excursion is being classified. */
  pendingClass: { startedAt: number; direction: 1 | -1; reasons: string[]; baselines: Baselines } | null;
  /**
   * What bands it: nothing yet, its provisional model while its first fit is queued or running
   * (`provisional`) or after that fit failed (`provisional-kept`: the detector's back-off decides
   * when it asks again), or a fitted model.
   */
  model: 'none' | 'provisional' | 'provisional-kept' | 'fitted';
  /**
   * Its fit is queued or running. Kept here rather than asked of the queue by id: counting pending
   * refits for GET /api/v1/watchers built an id string per series per request, most of the cost of
   * that read at 10,000 series.
   */
  refitQueued: boolean;
  /**
   * The watcher's step count when a sample of it last arrived: a step tells the series it saw from
   * the ones it did not by this mark, not by a set of 100,000 keys built and searched every step.
   */
  seenAtStep: number;
}

export interface WatcherState {
  status: 'idle' | 'backfilling' | 'running' | 'stopped';
  series: number;
  present: number;
  missing: number;
  warming: number;
  /** Series banded by their provisional model while their first fit waits (also present or missing). */
  provisional: number;
  openExcursions: number;
  /** Series refused at the last step because of the cap. */
  droppedSeries: number;
  refitsPending: number;
  lastStep: number | null;
  lastError: string | null;
  lagSeconds: number | null;
}

function ownLabels(labels: Labels): Labels {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

/** `ntma_target` from the watcher's template, or null when a label it names is missing. */
export function renderTarget(template: string | undefined, labels: Labels): string | null {
  if (template === undefined) return labels.ntma_target ?? null;
  let missing = false;
  const value = template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_all, name: string) => {
    const found = labels[name];
    if (found === undefined || found === '') missing = true;
    return found ?? '';
  });
  return missing || value === '' ? null : value;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'UNKNOWN';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Watcher {
  readonly series = new Map<string, SeriesState>();
  private readonly signals = new Map<SignalRole, SignalTable>();
  private readonly fitSpec: FitSpec;
  /** A first fit's: the order search bounded (FIRST_FIT_SEARCH_FITS), so a warm-up fits its series sooner. */
  private readonly firstFitSpec: FitSpec;
  private status: WatcherState['status'] = 'idle';
  private dropped = 0;
  private lastStep: number | null = null;
  private lastError: string | null = null;
  /** Live steps taken (SeriesState.seenAtStep); a small integer, so the mark on each series stays unboxed. */
  private steps = 0;
  lagSeconds: number | null = null;
  /** A series missing this many steps in a row is forgotten (its ntma_* series disappear). */
  readonly forgetAfterSteps: number;

  constructor(
    readonly spec: WatcherSpec,
    private readonly source: WatchSource,
    private readonly detectors: DetectorFactory,
    private readonly refits: RefitQueue,
    private readonly anomalies: AnomalyLog,
    private readonly events: WatcherEvents,
    private readonly options: WatcherOptions = {},
  ) {
    for (const role of Object.keys(spec.signals) as SignalRole[]) {
      this.signals.set(role, new SignalTable(spec.maxSeries));
    }
    this.fitSpec = {
      stepSeconds: spec.stepSeconds,
      model: 'auto',
      confidence: spec.confidence,
      ...WATCHER_FIT_OPTIONS,
    };
    this.firstFitSpec = { ...this.fitSpec, orderSearchFits: FIRST_FIT_SEARCH_FITS };
    // Prometheus itself forgets a series after 5 minutes without samples; do the same, but never
    // before 10 steps so a slow watcher does not drop a series over one failed scrape.
    this.forgetAfterSteps = Math.max(10, Math.ceil(300 / spec.stepSeconds));
  }

  get name(): string {
    return this.spec.name;
  }

  /**
   * Loads history before the first live step at `firstStep` (unix seconds, on the step grid): the
   * training window of the expression (one range query, or a few time chunks for a wide watcher)
   * and a baseline's worth of each signal.
   */
  async backfill(firstStep: number, sampleBudget: number = BACKFILL_SAMPLE_BUDGET): Promise<void> {
    this.status = 'backfilling';
    const step = this.spec.stepSeconds;
    const end = firstStep - step;
    const width = await this.width(end);
    if (width === undefined) return;
    const points = Math.floor(this.spec.trainSeconds / step);
    const start = end - (points - 1) * step;
    // Oldest chunk first: detectors take their points in time order.
    const chunk = Math.max(BACKFILL_MIN_CHUNK_POINTS, Math.floor(sampleBudget / Math.max(1, width)));
    for (let first = 0; first < points && this.status === 'backfilling'; first += chunk) {
      const from = start + first * step;
      const to = Math.min(end, from + (chunk - 1) * step);
      // A chunk that keeps failing is a gap in every series' history (the detectors carry it as
      // one); the chunks after it still load.
      const history = await this.retried(() =>
        this.source.queryRange({ query: this.spec.expr, start: from, end: to, step }),
      );
      if (history === undefined) continue;
      let fed = 0;
      for (const dense of history.series) {
        const state = this.admit(ownLabels(dense.labels));
        if (!state) continue;
        dense.values.forEach((value, k) => this.observe(state, from + k * step, value, false));
        fed += dense.values.length;
        if (fed >= BACKFILL_POINTS_PER_TURN) {
          // Millions of points take seconds: let the server (and other watchers) run in between.
          fed = 0;
          await nextTurn();
        }
      }
    }
    const signalPoints = Math.min(points, BASELINE_POINTS);
    const signalStart = end - (signalPoints - 1) * step;
    await Promise.all(
      [...this.signals].map(async ([role, table]) => {
        try {
          const answer = await this.source.queryRange({
            query: this.spec.signals[role]!,
            start: signalStart,
            end,
            step,
          });
          const refused = table.backfill(answer.series);
          if (refused > 0) this.events.signalCapHit(role, refused);
        } catch (error) {
          this.fail(error);
        }
      }),
    );
    this.dropped = 0;
    await this.requestRefits();
  }

  /**
   * How many series the expression returns at `t`, to size the backfill's chunks: asked as
   * count(expr), a one-number answer, since the whole vector of 100,000 series is 13 MB of JSON
   * for Prometheus to encode and the sidecar to parse, and timed out three times on a loaded
   * machine. An expression count() does not take (a scalar) is asked as it is; undefined when
   * that fails too (Prometheus is not answering: the backfill gives up, as a live step would).
   */
  private async width(t: number): Promise<number | undefined> {
    try {
      const [count] = await this.source.query(`count(${this.spec.expr})`, t);
      return count?.value ?? 0;
    } catch (error) {
      // Prometheus refusing count() of a scalar is expected; anything else is a failed query.
      if (errorCode(error) !== 'BAD_QUERY') this.fail(error);
      const answer = await this.retried(() => this.source.query(this.spec.expr, t));
      return answer?.length;
    }
  }

  /** A backfill query, tried up to BACKFILL_ATTEMPTS times; undefined when every try failed (each is reported). */
  private async retried<T>(query: () => Promise<T>): Promise<T | undefined> {
    let wait = this.options.backfillRetryMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await query();
      } catch (error) {
        this.fail(error);
        if (attempt >= BACKFILL_ATTEMPTS || this.status !== 'backfilling') return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait *= 2;
    }
  }

  /** One live step at `t` (unix seconds): query, advance every detector, queue refits. */
  async step(t: number): Promise<void> {
    this.status = 'running';
    const roles = [...this.signals.keys()];
    const [main, ...signalAnswers] = await Promise.allSettled([
      this.source.query(this.spec.expr, t),
      ...roles.map((role) => this.source.query(this.spec.signals[role]!, t)),
    ]);
    let failed: unknown = null;
    roles.forEach((role, i) => {
      const answer = signalAnswers[i]!;
      if (answer.status === 'fulfilled') {
        const refused = this.signals.get(role)!.record(answer.value);
        if (refused > 0) this.events.signalCapHit(role, refused);
      } else {
        // An unanswered signal is a gap in its history, never a zero rate.
        this.signals.get(role)!.record([]);
        failed = answer.reason;
        this.events.queryError(errorCode(answer.reason), answer.reason);
      }
    });

    if (main.status === 'rejected') {
      this.fail(main.reason);
      // Prometheus did not answer: every series gets a gap, but the step does not count towards
      // forgetting them; it is our outage, not theirs.
      for (const state of this.series.values()) this.observe(state, t, null, false);
    } else {
      const step = ++this.steps;
      // Only series refused at the cap are remembered by key (two answers with one label set count once).
      let refusedKeys: Set<string> | null = null;
      let advanced = 0;
      for (const sample of main.value) {
        if (++advanced % STEP_SERIES_PER_TURN === 0) await nextTurn();
        // Series differing only in __name__ are one series to a watcher (their ntma_* series would be one).
        const key = labelKey(sample.labels, '__name__');
        const state = this.series.get(key) ?? this.admit(ownLabels(sample.labels), key);
        if (!state) {
          (refusedKeys ??= new Set()).add(key);
          continue;
        }
        if (state.seenAtStep === step) continue;
        state.seenAtStep = step;
        this.observe(state, t, sample.value);
      }
      const refused = refusedKeys?.size ?? 0;
      for (const state of this.series.values()) {
        if (state.seenAtStep === step) continue;
        this.observe(state, t, null);
        if (state.missingSteps >= this.forgetAfterSteps) this.forget(state);
      }
      this.dropped = refused;
      if (refused > 0) this.events.capHit(refused);
      this.lastError = failed === null ? null : errorMessage(failed);
    }
    this.lastStep = t;
    await this.requestRefits();
  }

  stop(): void {
    // Also ends a backfill still in progress at its next chunk.
    this.status = 'stopped';
    for (const state of this.series.values()) this.closeExcursion(state);
  }

  state(): WatcherState {
    let present = 0;
    let missing = 0;
    let warming = 0;
    let provisional = 0;
    let open = 0;
    let pending = 0;
    for (const state of this.series.values()) {
      const status = this.seriesStatus(state);
      if (status === 'present') present++;
      else if (status === 'missing') missing++;
      else warming++;
      if (state.model === 'provisional' || state.model === 'provisional-kept') provisional++;
      if (state.excursion) open++;
      if (state.refitQueued) pending++;
    }
    return {
      status: this.status,
      series: this.series.size,
      present,
      missing,
      warming,
      provisional,
      openExcursions: open,
      droppedSeries: this.dropped,
      refitsPending: pending,
      lastStep: this.lastStep,
      lastError: this.lastError,
      lagSeconds: this.lagSeconds,
    };
  }

  /** warming: no model yet; missing: no sample at the last step; present otherwise. */
  seriesStatus(state: SeriesState): SeriesStatus {
    if (!state.present) return state.verdict?.forecast == null && state.missingSteps === 0 ? 'warming' : 'missing';
    return state.verdict?.forecast == null ? 'warming' : 'present';
  }

  /** The kind to export for a series: the open excursion's, or null. */
  kindOf(state: SeriesState): ExcursionKind | null {
    return state.excursion?.record.kind ?? null;
  }

  private fail(error: unknown): void {
    this.lastError = errorMessage(error);
    this.events.queryError(errorCode(error), error);
  }

  /** A new series, unless the watcher is at its cardinality cap. */
  private admit(labels: Labels, key: string = labelKey(labels)): SeriesState | undefined {
    const existing = this.series.get(key);
    if (existing) return existing;
    if (this.series.size >= this.spec.maxSeries) return undefined;
    const target = renderTarget(this.spec.target, labels);
    const exported: Labels = {};
    for (const [name, value] of Object.entries(labels)) {
      // The series' own `watcher` label must not be overwritten by ours; Prometheus' convention.
      exported[name === 'watcher' ? 'exported_watcher' : name] = value;
    }
    exported.watcher = this.spec.name;
    if (target !== null) exported.ntma_target = target;
    const state: SeriesState = {
      key,
      labels,
      exported,
      target,
      detector: undefined as unknown as WatchDetector,
      verdict: null,
      present: false,
      missingSteps: 0,
      recent: new RecentValues(),
      excursion: null,
      pendingClass: null,
      model: 'none',
      refitQueued: false,
      seenAtStep: 0,
    };
    // Bound rather than an arrow: an arrow here kept two contexts besides its closure, 64 bytes a series more.
    state.detector = this.detectors(this.spec, this.classifyExcursion.bind(this, state));
    this.series.set(key, state);
    return state;
  }

  private forget(state: SeriesState): void {
    this.closeExcursion(state);
    this.series.delete(state.key);
  }

  /** Feeds one point to a series' detector and follows its excursion. */
  private observe(state: SeriesState, t: number, value: number | null, countMissing = true): void {
    state.recent.push(value);
    state.present = value !== null;
    if (value === null) {
      if (countMissing) state.missingSteps++;
    } else state.missingSteps = 0;
    const verdict = state.detector.update(t, value);
    state.verdict = verdict;
    this.followExcursion(state, verdict);
  }

  /**
   * The classifier hook the detector calls while an excursion is open: the detector's shape
   * rules give the organic kind, the network signals may override it with attack_suspected.
   * It runs inside detector.update(), after this step's signals were recorded.
   */
  private classifyExcursion(state: SeriesState, excursion: Readonly<Excursion>): ExcursionKind {
    const open = state.excursion;
    const same = open !== null && open.startedAt === excursion.startedAt;
    const { startedAt, direction } = excursion;
    if (same && open.record.kind === 'attack_suspected') {
      // Once attack evidence was seen the excursion stays suspect; floods ebb and surge.
      state.pendingClass = { startedAt, direction, reasons: open.record.reasons, baselines: open.baselines };
      return 'attack_suspected';
    }
    const own = this.spec.role !== 'other' ? { role: this.spec.role, recent: state.recent } : undefined;
    const readings = readingsFor(state.labels, this.signals, own, same ? open.baselines : undefined);
    const result = classify(excursion.shape, direction, readings);
    let baselines = same ? open.baselines : undefined;
    if (!baselines) {
      baselines = {};
      for (const [role, reading] of Object.entries(readings)) baselines[role as SignalRole] = reading.baseline;
    }
    state.pendingClass = { startedAt, direction, reasons: result.reasons, baselines };
    return result.kind;
  }

  private followExcursion(state: SeriesState, verdict: Verdict): void {
    const pending = state.pendingClass;
    state.pendingClass = null;
    if (verdict.value === null) return; // a gap neither opens nor closes an excursion
    if (verdict.kind === null) {
      this.closeExcursion(state);
      return;
    }
    const peak = {
      t: verdict.t,
      value: verdict.value,
      forecast: verdict.forecast,
      lower: verdict.lower,
      upper: verdict.upper,
    };
    let open = state.excursion;
    if (open === null || (pending !== null && pending.startedAt !== open.startedAt)) {
      this.closeExcursion(state);
      const record = this.anomalies.open({
        watcher: this.spec.name,
        labels: state.labels,
        target: state.target,
        kind: verdict.kind,
        direction: pending?.direction ?? (verdict.residual !== null && verdict.residual < 0 ? -1 : 1),
        score: verdict.score,
        start: pending?.startedAt ?? verdict.t,
        peak,
        reasons: pending?.reasons ?? [],
      });
      open = { record, startedAt: record.start, baselines: pending?.baselines ?? {}, lastActive: verdict.t };
      state.excursion = open;
      return;
    }
    const record = open.record;
    open.lastActive = verdict.t;
    if (record.kind !== 'attack_suspected') record.kind = verdict.kind;
    if (pending && pending.reasons.length > 0) record.reasons = pending.reasons;
    record.score = Math.max(record.score, verdict.score);
    const distance = (v: number, f: number | null): number => (f === null ? 0 : Math.abs(v - f));
    if (distance(verdict.value, verdict.forecast) > distance(record.peak.value, record.peak.forecast))
      record.peak = peak;
  }

  private closeExcursion(state: SeriesState): void {
    const open = state.excursion;
    if (!open) return;
    // The detector closes an excursion after a run of in-band points; it ended at the last active one.
    open.record.end = open.lastActive;
    state.excursion = null;
  }

  private refitId(state: SeriesState): string {
    return `${this.spec.name}\u0000${state.key}`;
  }

  /**
   * Queues a fit for every series whose detector wants a model; a series' first fit goes to the
   * front lane of the queue. One that has no model yet and would wait behind many other first fits
   * (a warm-up) is banded at once by its provisional model (provisional.ts) meanwhile; its detector
   * would not ask again until that model is old, so the watcher remembers it.
   */
  private async requestRefits(): Promise<void> {
    let built = 0;
    for (const state of this.series.values()) {
      const first = state.model !== 'fitted';
      if (state.refitQueued || (state.model !== 'provisional' && !state.detector.wantsModel())) continue;
      if (
        state.model === 'none' &&
        this.refits.queuedFirst >= (this.options.provisionalAfterQueued ?? PROVISIONAL_AFTER_QUEUED)
      ) {
        const model = provisionalModel(state.detector.trainingWindow(), this.spec.confidence);
        if (model) {
          state.detector.install(model);
          state.model = 'provisional';
        }
        if (++built % PROVISIONAL_PER_TURN === 0) await nextTurn();
        // The series may have been forgotten, or the watcher stopped, during the turn.
        if (this.series.get(state.key) !== state || this.status === 'stopped') continue;
      }
      state.refitQueued = this.refits.request({
        id: this.refitId(state),
        first,
        input: () =>
          this.series.get(state.key) === state
            ? { values: state.detector.trainingWindow(), spec: first ? this.firstFitSpec : this.fitSpec }
            : undefined,
        done: (model) => {
          state.refitQueued = false;
          if (this.series.get(state.key) !== state) {
            model.destroy();
            return;
          }
          state.detector.install(model);
          state.model = 'fitted';
          this.events.refit('ok');
        },
        failed: (error) => {
          state.refitQueued = false;
          if (state.model === 'provisional') state.model = 'provisional-kept';
          state.detector.fitFailed?.();
          this.events.refit('error', error);
        },
      });
    }
  }
}
