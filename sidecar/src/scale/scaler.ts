import { randomBytes } from 'node:crypto';
import type { AutoDecision, AutoOutcome, PolicyView, ScaleResult, TargetView } from '@ntma/contract';
import type { Counter, Registry } from 'prom-client';
import type { AuditLog } from '../audit/log.js';
import type { AuditAlert, AuditDraft, AuditSource, IndexedAction, KeptState } from '../audit/types.js';
import { Conflict, DomainError, Forbidden, NotFound, errorCodeOf } from '../errors.js';
import type { ScaleBackend, Workload } from './backend.js';
import { AlertReplayGuard, type FirstDecision } from './alert-replay.js';
import { mapGrafanaAlerts, type GrafanaWebhook, type MappedAlert } from './grafana-alerts.js';
import { fingerprintOf, type IdempotencyRecord, type IdempotencyStore } from './idempotency.js';
import { KeyedMutex } from './keyed-mutex.js';
import { LABEL, readScaleLabels, type ScaleSettings } from './labels.js';
import { checkManualChange, resolveManualChange } from './limits.js';
import { SCALE_ACTIONS_METRIC, createScaleMetrics, type ScaleResultLabel } from './metrics.js';
import {
  decide,
  referenceAfter,
  returnFloodReplicas,
  type FloodRecord,
  type KnownCapacity,
  type LoadReading,
  type LoadReference,
  type PolicyContext,
  type PolicyDecision,
} from './policy.js';
import type { CapacityModel } from './capacity.js';
import { DemandHistory } from './demand-history.js';
import { BIAS_ERRORS, forecastBias } from './forecast-bias.js';
import type { CapacityLearner } from './capacity-learner.js';
import { decide as decidePredictive, type DemandView, type PredictiveDecision } from './predictive.js';
import type { DemandQuery, LiveDemand } from '../watch/demand.js';
import { BASELINE_POINTS } from '../watch/signals.js';

/** Reads a target's live demand from the watchers (watch/demand.ts), forecast `horizonSeconds` ahead. */
export type DemandReader = (query: DemandQuery, horizonSeconds: number) => LiveDemand | null;

/** What started an automatic evaluation: the periodic timer or an alert. */
export type EvaluationTrigger = { kind: 'periodic' } | { kind: 'alert'; who: string; alert: AuditAlert };

/** Who asked: the Grafana user behind the plugin proxy, the bare API, or an alert receiver. */
/** Who delivered an alert webhook; the audit log's `who` starts with it. */
export type { AutoDecision, AutoOutcome, PolicyView, ScaleResult, TargetView };

export type AlertSender = 'grafana' | 'alertmanager';

export interface Requester {
  who: string;
  source: AuditSource;
}

export interface ScaleRequest {
  target: string;
  replicas?: number;
  delta?: number;
  reason: string;
  dryRun: boolean;
  requester: Requester;
  idempotencyKey?: string;
}

export interface ScalerOptions {
  backends: ScaleBackend[];
  audit: AuditLog;
  idempotency: IdempotencyStore<ScaleResult>;
  /** NTMA_SCALE_AUTO_DRY_RUN: automatic actions are recorded, never applied. */
  autoDryRun: boolean;
  /** NTMA_SCALE_ATTACK_MAX: the attack-aware cap for targets without ntma.scale.attack-max. */
  defaultAttackMax: number;
  /** NTMA_SCALE_STALE_SECONDS, in ms. */
  staleAfterMs: number;
  /** NTMA_SCALE_EVAL_SECONDS in ms: how often the evaluator runs (a gap in demand history longer than twice this is a hole). */
  evalIntervalMs?: number;
  /** Most alert observations remembered for replay detection (default 10,000). */
  maxRememberedAlerts?: number;
  now?: () => number;
}

/**
 * The alert-driven policy scales in no lower than the highest load of this window (or of the
 * target's cooldown, when longer) needs: Kubernetes' HPA stabilises scale-down over 5 minutes too.
 */
const SCALE_IN_WINDOW_SECONDS = 300;

function withoutTime({ at: _at, ...reference }: LoadReference): NonNullable<KeptState['reference']> {
  return reference;
}

function newActionId(now: number): string {
  // Time first so ids sort by creation; the random tail keeps them unique across processes.
  return `${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Base = Omit<AuditDraft, 'phase' | 'before' | 'after'>;

/**
 * The one path every scale request takes, manual or automatic: serialised per target, checked
 * against opt-in and limits, recorded in the audit log before (accepted) and after (outcome) it
 * touches the engine, counted in ntma_scale_actions_total.
 */
export class Scaler {
  private readonly mutex = new KeyedMutex();
  private readonly inflightKeys = new Map<string, { fingerprint: string; result: Promise<ScaleResult> }>();
  private readonly actions: Counter<'result'>;
  private readonly now: () => number;
  private readDemand: DemandReader | null = null;
  private readonly history = new DemandHistory();
  private learner: CapacityLearner | null = null;
  /** The code of the last hold recorded per target, so a periodic hold is logged when it changes, not every tick. */
  private readonly lastHold = new Map<string, string>();
  private readonly replays: AlertReplayGuard;
  /**
   * Per target, the load per replica right after the alert-driven policy's last change (live, and
   * live or dry-run): its scale-ins are held to it. In memory: after a restart the target does not
   * scale in on alerts until its next change.
   */
  private readonly references = new Map<string, { live: LoadReference | null; any: LoadReference | null }>();
  /**
   * Per target, the replicas attack alerts added and the periodic evaluation has not given back yet
   * (live, and live or dry-run). In memory, like the references: after a restart they stay.
   */
  private readonly floods = new Map<string, { live: FloodRecord | null; any: FloodRecord | null }>();
  /** Targets whose memory was read back from the audit log (or decided on) since the sidecar started. */
  private readonly restored = new Set<string>();

  constructor(private readonly options: ScalerOptions) {
    this.actions = createScaleMetrics();
    this.now = options.now ?? Date.now;
    // Remembered a minute past the stale limit: a replay of a forgotten observation is stale, so it holds.
    this.replays = new AlertReplayGuard({
      maxEntries: options.maxRememberedAlerts ?? 10_000,
      maxAgeMs: options.staleAfterMs + 60_000,
      now: this.now,
    });
  }

  private count(result: ScaleResultLabel): void {
    this.actions.inc({ result });
  }

  /** Exports ntma_scale_actions_total through `registry` (once per registry). */
  exportMetrics(registry: Registry): void {
    if (!registry.getSingleMetric(SCALE_ACTIONS_METRIC)) registry.registerMetric(this.actions);
  }

  get audit(): AuditLog {
    return this.options.audit;
  }

  private backendFor(id: string): ScaleBackend {
    const backend = this.options.backends.find((b) => b.owns(id));
    if (!backend) {
      const forms = this.options.backends.map((b) => `${b.kind}:...`).join(', ');
      throw new NotFound(`unknown target id "${id}": expected one of ${forms}`);
    }
    return backend;
  }

  private async workload(id: string): Promise<{ backend: ScaleBackend; workload: Workload }> {
    const backend = this.backendFor(id);
    const workload = await backend.inspect(id);
    if (!workload) throw new NotFound(`target ${id} not found (no such service, or it was removed)`);
    return { backend, workload };
  }

  /** Connects the watchers' live state; until then the predictive policy holds ("no watched series"). */
  useDemand(reader: DemandReader): void {
    this.readDemand = reader;
  }

  /** The demand view the predictive policy decides on: the watchers' state now, plus recent history. */
  private demandFor(target: string, capacity: CapacityModel): DemandView | null {
    const horizon = Math.max(capacity.leadSeconds, capacity.stabilisationSeconds);
    const query: DemandQuery = { target, ...capacity.selector };
    const live = this.readDemand?.(query, horizon) ?? null;
    if (!live) return null;
    const now = this.now();
    this.history.record(target, live.observedAt ?? now, live.actual, live.attack, {
      predicted: live.predicted,
      excursion: live.kind !== null,
    });
    const maxGapMs = Math.max(3 * live.stepSeconds * 1000, 2 * (this.options.evalIntervalMs ?? 15_000));
    // The last BIAS_ERRORS watcher steps (and one of slack): older errors say little about the model now.
    const biasWindowMs = (BIAS_ERRORS + 1) * live.stepSeconds * 1000;
    return {
      ...live,
      recentPeak: this.history.peak(target, now, capacity.stabilisationSeconds * 1000, maxGapMs),
      previous: live.observedAt === null ? null : this.history.previous(target, live.observedAt),
      forecastBias: forecastBias(this.history.errors(target, now, biasWindowMs)),
    };
  }

  /**
   * The target's load as the watchers see it (the series whose `ntma_target` is the target), with
   * its highest over the last `windowSeconds` (as far as the watcher keeps values); null when no
   * watched series carries it.
   */
  private loadOf(target: string, windowSeconds: number): LoadReading | null {
    const live = this.readDemand?.({ target }, 0) ?? null;
    if (!live) return null;
    const steps = Math.min(BASELINE_POINTS, Math.max(1, Math.ceil(windowSeconds / live.stepSeconds)));
    const window = (live.recent ?? []).slice(0, steps);
    const observed = window.filter((v): v is number => v !== null);
    return {
      value: live.actual,
      observedAt: live.observedAt,
      windowPeak: observed.length === steps ? Math.max(...observed) : null,
      windowSeconds: steps * live.stepSeconds,
      upper: live.upper,
    };
  }

  /** A sample older than three steps of its watcher (and never older than NTMA_SCALE_STALE_SECONDS) is stale. */
  private staleAfter(demand: DemandView | null): number {
    const steps = demand ? 3 * demand.stepSeconds * 1000 + 1000 : this.options.staleAfterMs;
    return Math.min(this.options.staleAfterMs, Math.max(30_000, steps));
  }

  /** Learns capacities for targets with `ntma.scale.capacity=learn`; until set they hold ("not learned"). */
  useCapacityLearner(learner: CapacityLearner): void {
    this.learner = learner;
  }

  /** The target's settings with a learned capacity filled in (perReplica stays 0 when it could not be learned). */
  private async withCapacity(id: string, settings: ScaleSettings): Promise<ScaleSettings> {
    const capacity = settings.capacity;
    if (!capacity?.learn) return settings;
    const learned = this.learner
      ? await this.learner.capacity(id, capacity.learn)
      : { perReplica: null, origin: 'not learned: the sidecar has no Prometheus history reader' };
    return { ...settings, capacity: { ...capacity, perReplica: learned.perReplica ?? 0, origin: learned.origin } };
  }

  private async predict(workload: Workload, given: ScaleSettings): Promise<PredictiveDecision> {
    const settings = await this.withCapacity(workload.id, given);
    const [live, any] = await Promise.all([
      this.options.audit.lastChangeAt(workload.id, false),
      this.options.audit.lastChangeAt(workload.id, true),
    ]);
    const demand = settings.capacity ? this.demandFor(workload.id, settings.capacity) : null;
    return decidePredictive({
      now: this.now(),
      current: workload.desired,
      settings,
      demand,
      lastChange: { live, any },
      staleAfterMs: this.staleAfter(demand),
      defaultAttackMax: this.options.defaultAttackMax,
      forceDryRun: this.options.autoDryRun,
    });
  }

  /**
   * One evaluation of the predictive policy for a target, on the watchers' state at this moment:
   * the periodic evaluator calls it for every auto target, an alert for its target. A scale
   * decision goes through the same audited path as any action; a hold is recorded when its reason
   * changes (every time when an alert triggered it), so a steady target does not fill the log.
   */
  async evaluate(target: string, trigger: EvaluationTrigger = { kind: 'periodic' }): Promise<AutoDecision> {
    const alertname = trigger.kind === 'alert' ? (trigger.alert.alertname ?? '(alert)') : '(periodic)';
    return this.mutex.run(target, async () => {
      const base: Base = {
        action: newActionId(this.now()),
        target,
        who: trigger.kind === 'alert' ? trigger.who : 'ntma-policy',
        source: trigger.kind === 'alert' ? 'alert' : 'policy',
        reason:
          trigger.kind === 'alert' ? `alert ${alertname}: predictive policy` : 'periodic evaluation: predictive policy',
        dryRun: this.options.autoDryRun,
        ...(trigger.kind === 'alert' ? { alert: trigger.alert } : {}),
      };
      const head: AutoDecision = { alertname, target, decision: 'ignored', reason: '' };
      try {
        const { backend, workload } = await this.observe(base, () => this.workload(target));
        const settings = await this.admit(base, workload);
        if (!settings.capacity) {
          // An alert-driven target is evaluated only while it holds replicas a flood brought.
          const verdict = returnFloodReplicas(await this.stepContext(workload, settings));
          const reason = 'periodic evaluation: the replicas added for a flood';
          const decided: Base = { ...base, reason, dryRun: verdict.dryRun };
          const holdCode = verdict.kind === 'hold' ? `flood:${verdict.code ?? ''}` : null;
          // Holds are logged when their reason changes; "none left" ends the evaluation quietly.
          const quiet = holdCode !== null && (this.lastHold.get(target) === holdCode || holdCode === 'flood:done');
          if (holdCode === null) this.lastHold.delete(target);
          else this.lastHold.set(target, holdCode);
          return await this.applyStep(head, decided, backend, workload, verdict, { auditHold: !quiet });
        }
        const verdict = await this.predict(workload, settings);
        return await this.carryOut(head, { ...base, dryRun: verdict.dryRun }, backend, workload, verdict, trigger);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const refused = error instanceof Forbidden || error instanceof Conflict;
        return { ...head, decision: refused ? 'refused' : 'failed', reason: messageOf(error), auditId: base.action };
      }
    });
  }

  private async carryOut(
    head: AutoDecision,
    base: Base,
    backend: ScaleBackend,
    workload: Workload,
    verdict: PredictiveDecision,
    trigger: EvaluationTrigger,
  ): Promise<AutoDecision> {
    const notes = verdict.notes;
    if (verdict.kind === 'hold') {
      const unchanged = this.lastHold.get(workload.id) === verdict.code;
      const decision: AutoDecision = {
        ...head,
        decision: 'held',
        reason: verdict.reason,
        before: workload.desired,
        after: workload.desired,
        ...(notes.length > 0 ? { notes } : {}),
      };
      if (trigger.kind === 'periodic' && unchanged) return decision;
      this.lastHold.set(workload.id, verdict.code);
      await this.options.audit.record({
        ...base,
        reason: `${base.reason}: ${verdict.reason}`,
        backend: backend.kind,
        phase: 'held',
        before: workload.desired,
        after: workload.desired,
        detail: verdict.reason,
        policy: verdict.inputs,
        ...(notes.length > 0 ? { notes } : {}),
      });
      this.count('held');
      return { ...decision, auditId: base.action };
    }
    this.lastHold.delete(workload.id);
    const result = await this.execute(
      { ...base, reason: `${base.reason}: ${verdict.reason}`, policy: verdict.inputs },
      backend,
      workload,
      verdict.to,
      notes,
    );
    return {
      ...head,
      decision: verdict.dryRun ? 'dry_run' : 'scaled',
      reason: verdict.dryRun
        ? `dry-run: would scale ${result.before} -> ${result.after}; nothing was changed (${verdict.reason})`
        : `scaled ${result.before} -> ${result.after} (${verdict.reason})`,
      before: result.before,
      after: result.after,
      auditId: result.auditId,
      ...(notes.length > 0 ? { notes } : {}),
    };
  }

  /**
   * Ids of the targets the periodic evaluator should look at: opted in, automatic, with a capacity
   * model or holding replicas a flood brought.
   */
  async autoTargets(options: { floodsOnly?: boolean } = {}): Promise<string[]> {
    const lists = await Promise.all(this.options.backends.map((b) => b.list()));
    const ids: string[] = [];
    for (const workload of lists.flat()) {
      const reading = readScaleLabels(workload.labels);
      if (!reading.ok || !reading.settings.enabled || reading.settings.auto === 'off') continue;
      if (reading.settings.capacity !== null) {
        if (!options.floodsOnly) ids.push(workload.id);
        continue;
      }
      // An alert-driven target: only while it holds replicas a flood brought (after a restart, as the audit says).
      await this.restore(workload.id);
      const flood = this.floods.get(workload.id);
      if (flood !== undefined && (flood.live !== null || flood.any !== null)) ids.push(workload.id);
    }
    return ids.sort();
  }

  private attackCap(settings: ScaleSettings): number {
    return Math.min(settings.limits.max, settings.attackMax ?? this.options.defaultAttackMax);
  }

  /**
   * The targets of every backend that opted in, or that some replica claims opted in (shown with
   * the conflict, so a stray opt-in is visible rather than silently ignored), with their limits
   * and last action.
   */
  async listTargets(): Promise<TargetView[]> {
    const lists = await Promise.all(this.options.backends.map((b) => b.list()));
    const views: TargetView[] = [];
    for (const workload of lists.flat()) {
      const reading = readScaleLabels(workload.labels);
      if (!reading.settings.enabled && workload.labelConflict === undefined) continue;
      const { settings } = reading;
      const view: TargetView = {
        id: workload.id,
        backend: workload.backend,
        service: workload.service,
        desired: workload.desired,
        running: workload.running,
        limits: settings.limits,
        auto: {
          mode: settings.auto,
          dryRun: settings.auto === 'dry-run' || this.options.autoDryRun,
          attackMax: this.attackCap(settings),
        },
        lastAction: (await this.options.audit.latestFor(workload.id)) ?? null,
        policy: await this.preview(workload, settings),
      };
      if (workload.group !== undefined) view.group = workload.group;
      if (!reading.ok) view.labelError = reading.error;
      if (workload.labelConflict !== undefined) view.labelError = workload.labelConflict;
      views.push(view);
    }
    return views.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** What the policy would do now; for a target with auto off, what it would do if it were in dry-run. */
  private async preview(workload: Workload, settings: ScaleSettings): Promise<PolicyView> {
    const off = settings.auto === 'off';
    const verdict = await this.predict(workload, off ? { ...settings, auto: 'dry-run' } : settings);
    const view: PolicyView = {
      action: verdict.kind,
      code: verdict.code,
      reason: verdict.reason,
      dryRun: verdict.dryRun,
      notes: off
        ? ['automatic scaling is off (ntma.scale.auto): this is what it would do', ...verdict.notes]
        : verdict.notes,
      inputs: verdict.inputs,
    };
    if (verdict.kind === 'scale') {
      view.from = verdict.from;
      view.to = verdict.to;
    }
    return view;
  }

  /** A manual scale request (panel or API). */
  async scale(request: ScaleRequest): Promise<ScaleResult> {
    this.backendFor(request.target);
    // Before the engine is asked anything: a request that cannot be carried out is a 400 whether Docker answers or not.
    checkManualChange(request);
    const key = request.idempotencyKey;
    if (key === undefined) return this.mutex.run(request.target, () => this.manual(request));
    const fingerprint = fingerprintOf({
      target: request.target,
      replicas: request.replicas,
      delta: request.delta,
      dryRun: request.dryRun,
    });
    const running = this.inflightKeys.get(key);
    if (running) {
      if (running.fingerprint !== fingerprint) throw this.keyReused(key);
      return { ...(await running.result), replayed: true };
    }
    const result = (async () => {
      const record = await this.options.idempotency.get(key);
      if (record && record.fingerprint !== fingerprint) throw this.keyReused(key);
      if (record?.state === 'done' && record.response) return { ...record.response, replayed: true };
      return this.mutex.run(request.target, () => this.manual(request, { key, fingerprint, pending: record }));
    })();
    this.inflightKeys.set(key, { fingerprint, result });
    try {
      return await result;
    } finally {
      this.inflightKeys.delete(key);
    }
  }

  private keyReused(key: string): Conflict {
    return new Conflict(
      `Idempotency-Key: "${key}" was already used for a different request (target, replicas, delta or dryRun differ); use a new key`,
    );
  }

  private async manual(
    request: ScaleRequest,
    idem?: { key: string; fingerprint: string; pending: IdempotencyRecord<ScaleResult> | undefined },
  ): Promise<ScaleResult> {
    const base: Base = {
      action: newActionId(this.now()),
      target: request.target,
      who: request.requester.who,
      source: request.requester.source,
      reason: request.reason,
      dryRun: request.dryRun,
    };
    if (request.idempotencyKey !== undefined) base.idempotencyKey = request.idempotencyKey;
    const { backend, workload } = await this.observe(base, () => this.workload(request.target));
    const settings = await this.admit(base, workload);
    const before = workload.desired;
    // A retry of a request that was accepted but not finished converges on the count the first
    // attempt resolved, so a `delta` is never applied twice.
    const desired = await this.observe(
      { ...base, backend: backend.kind },
      () => {
        const change = idem?.pending ? { replicas: idem.pending.replicas } : request;
        return resolveManualChange(before, change, settings.limits);
      },
      { before, phase: 'refused' },
    );
    const onAccepted = idem
      ? () =>
          this.options.idempotency.put({
            key: idem.key,
            fingerprint: idem.fingerprint,
            createdAt: idem.pending?.createdAt ?? this.now(),
            state: 'pending',
            replicas: desired,
          })
      : undefined;
    const result = await this.execute(base, backend, workload, desired, [], onAccepted);
    if (idem) {
      await this.options.idempotency.put({
        key: idem.key,
        fingerprint: idem.fingerprint,
        createdAt: idem.pending?.createdAt ?? this.now(),
        state: 'done',
        replicas: desired,
        response: result,
      });
    }
    return result;
  }

  /**
   * Runs `step`; if it throws before anything was accepted, writes the one outcome entry that
   * records the request (failed, or refused for limit/opt-in errors) and rethrows.
   */
  private async observe<T>(
    base: Base,
    step: () => T | Promise<T>,
    at: { before: number | null; phase?: 'refused' | 'failed' } = { before: null },
  ): Promise<T> {
    try {
      return await step();
    } catch (error) {
      const refused = at.phase === 'refused' || error instanceof Forbidden;
      await this.options.audit.record({
        ...base,
        phase: refused ? 'refused' : 'failed',
        before: at.before,
        after: at.before,
        detail: messageOf(error),
        errorCode: errorCodeOf(error),
      });
      this.count(refused ? 'refused' : 'failed');
      throw error;
    }
  }

  /** Replicas that agree, opt-in and well-formed labels, or a recorded refusal. */
  private async admit(base: Base, workload: Workload): Promise<ScaleSettings> {
    const reading = readScaleLabels(workload.labels);
    return this.observe(
      { ...base, backend: workload.backend },
      () => {
        if (workload.labelConflict !== undefined) {
          throw new Conflict(`target ${workload.id} is not scalable: ${workload.labelConflict}`);
        }
        if (!reading.settings.enabled) {
          throw new Forbidden(`target ${workload.id} has not opted in to scaling (label ${LABEL.enabled}=true)`);
        }
        if (!reading.ok) throw new Conflict(`target ${workload.id} has a malformed ${reading.error}`);
        return reading.settings;
      },
      { before: workload.desired, phase: 'refused' },
    );
  }

  /** accepted -> (engine) -> applied | failed. A no-op is one `applied` entry. */
  private async execute(
    base: Base,
    backend: ScaleBackend,
    workload: Workload,
    desired: number,
    notes: string[],
    onAccepted?: () => Promise<void>,
  ): Promise<ScaleResult> {
    const before = workload.desired;
    const entry = { ...base, backend: backend.kind, ...(notes.length > 0 ? { notes } : {}) };
    const result = (after: number, running: number, changed: boolean): ScaleResult => ({
      target: workload.id,
      backend: backend.kind,
      before,
      after,
      running,
      dryRun: base.dryRun,
      changed,
      auditId: base.action,
      replayed: false,
    });
    if (desired === before) {
      await this.options.audit.record({
        ...entry,
        phase: 'applied',
        before,
        after: before,
        notes: [...notes, `no change: already at ${before} replicas`],
      });
      this.count('noop');
      return result(before, workload.running, false);
    }
    await this.options.audit.record({ ...entry, phase: 'accepted', before, after: desired });
    try {
      await onAccepted?.();
    } catch (error) {
      // The engine was not touched: end the action here, so the log never shows it running.
      await this.options.audit.record({
        ...entry,
        phase: 'failed',
        before,
        after: before,
        detail: `could not record the Idempotency-Key before acting (${messageOf(error)}); nothing was changed`,
        errorCode: errorCodeOf(error),
      });
      this.count('failed');
      throw error;
    }
    if (base.dryRun) {
      await this.options.audit.record({ ...entry, phase: 'applied', before, after: desired });
      this.count('dry_run');
      return result(desired, workload.running, false);
    }
    try {
      const after = await backend.setReplicas(workload.id, desired);
      await this.options.audit.record({ ...entry, phase: 'applied', before, after: after.desired });
      this.count('applied');
      return result(after.desired, after.running, true);
    } catch (error) {
      // Record what was really reached, so a partial scale-out is visible as such.
      const observed = await backend.inspect(workload.id).catch(() => undefined);
      await this.options.audit.record({
        ...entry,
        phase: 'failed',
        before,
        after: observed?.desired ?? null,
        detail: messageOf(error),
        errorCode: errorCodeOf(error),
      });
      this.count('failed');
      throw error;
    }
  }

  /**
   * An alert webhook (Grafana's contact point or Alertmanager's receiver): each firing alert that
   * names a target goes through the automatic policy. `sender` names the caller in the audit log.
   */
  async handleAlerts(payload: GrafanaWebhook, sender: AlertSender = 'grafana'): Promise<AutoDecision[]> {
    const mapped = mapGrafanaAlerts(payload);
    const who = `${sender}-alert:${payload.receiver ?? 'webhook'}`;
    const decisions: AutoDecision[] = [];
    // In order, so two alerts for one target see each other's effect (the second meets the cooldown).
    for (const alert of mapped) {
      decisions.push(await this.decideOnce(alert, who));
    }
    return decisions;
  }

  /**
   * Each observation of an alert is decided once. A failed attempt may be retried by a redelivery;
   * an ignored alert (no target) decided nothing, so it is not remembered.
   */
  private async decideOnce(alert: MappedAlert, who: string): Promise<AutoDecision> {
    const claim = this.replays.claim(alert.replayKey);
    if (!claim.fresh) return this.duplicate(alert, claim.first);
    let decided: AutoDecision | undefined;
    try {
      decided = await this.automatic(alert, who);
      return decided;
    } finally {
      if (decided !== undefined && decided.decision !== 'failed' && decided.decision !== 'ignored') {
        const first: Omit<FirstDecision, 'at'> = { decision: decided.decision };
        if (decided.auditId !== undefined) first.auditId = decided.auditId;
        this.replays.settle(alert.replayKey, first);
      } else {
        this.replays.release(alert.replayKey);
      }
    }
  }

  private duplicate(alert: MappedAlert, first: FirstDecision): AutoDecision {
    const answer: AutoDecision = {
      alertname: alert.alertname,
      decision: 'duplicate',
      reason:
        `already decided (${first.decision}) at ${new Date(first.at).toISOString()}: ` +
        'the same observation of this alert (fingerprint, start and sample time) acts once',
    };
    if (alert.fingerprint !== undefined) answer.fingerprint = alert.fingerprint;
    if (alert.signal) answer.target = alert.signal.target;
    if (first.auditId !== undefined) answer.auditId = first.auditId;
    return answer;
  }

  private async automatic(alert: MappedAlert, who: string): Promise<AutoDecision> {
    const head: AutoDecision = { alertname: alert.alertname, decision: 'ignored', reason: alert.ignored ?? '' };
    if (alert.fingerprint !== undefined) head.fingerprint = alert.fingerprint;
    const signal = alert.signal;
    if (!signal) return head;
    head.target = signal.target;
    if (!this.options.backends.some((b) => b.owns(signal.target))) {
      return { ...head, reason: `unknown target id "${signal.target}"` };
    }
    return this.mutex.run(signal.target, async () => {
      const auditAlert: AuditAlert = { alertname: alert.alertname, attack: signal.attack };
      if (alert.fingerprint !== undefined) auditAlert.fingerprint = alert.fingerprint;
      if (signal.kind !== null) auditAlert.kind = signal.kind;
      const base: Base = {
        action: newActionId(this.now()),
        target: signal.target,
        who,
        source: 'alert',
        reason: `alert ${alert.alertname}${signal.kind ? ` (${signal.kind})` : ''}: scale ${signal.direction}`,
        dryRun: this.options.autoDryRun,
        alert: auditAlert,
      };
      try {
        const { backend, workload } = await this.observe(base, () => this.workload(signal.target));
        const settings = await this.admit({ ...base, dryRun: this.options.autoDryRun }, workload);
        if (settings.capacity) {
          // With a capacity model the alert is only a trigger: the decision is taken on the
          // watchers' state now, not on what the alert said when it fired.
          const verdict = await this.predict(workload, settings);
          const trigger: EvaluationTrigger = { kind: 'alert', who, alert: auditAlert };
          return await this.carryOut(
            head,
            { ...base, reason: `alert ${alert.alertname}: predictive policy`, dryRun: verdict.dryRun },
            backend,
            workload,
            verdict,
            trigger,
          );
        }
        const verdict = decide(signal, await this.stepContext(workload, settings));
        return await this.applyStep(head, { ...base, dryRun: verdict.dryRun }, backend, workload, verdict, {
          auditHold: true,
        });
      } catch (error) {
        const refused = error instanceof Forbidden || error instanceof Conflict;
        const failure: AutoDecision = {
          ...head,
          decision: refused ? 'refused' : 'failed',
          reason: messageOf(error),
          auditId: base.action,
        };
        // Unexpected errors (not domain ones) must still reach the log with their stack.
        if (!(error instanceof DomainError)) throw error;
        return failure;
      }
    });
  }

  /** What the alert-driven policy decides on for a target: its count, limits, last changes, load and memory. */
  private async stepContext(workload: Workload, settings: ScaleSettings): Promise<PolicyContext> {
    await this.restore(workload.id);
    const [live, any] = await Promise.all([
      this.options.audit.lastChangeAt(workload.id, false),
      this.options.audit.lastChangeAt(workload.id, true),
    ]);
    return {
      current: workload.desired,
      settings,
      lastChange: { live, any },
      load: this.loadOf(workload.id, Math.max(settings.limits.cooldownSeconds, SCALE_IN_WINDOW_SECONDS)),
      reference: this.references.get(workload.id) ?? { live: null, any: null },
      flood: this.floods.get(workload.id) ?? { live: null, any: null },
      capacity: await this.knownCapacity(workload.id, settings),
      now: this.now(),
      staleAfterMs: this.options.staleAfterMs,
      defaultAttackMax: this.options.defaultAttackMax,
      forceDryRun: this.options.autoDryRun,
    };
  }

  /**
   * What one replica of an alert-driven target is known to carry: learned from its `ntma.scale.learn-*` labels
   * (cached like a learned capacity), null when it has none or it could not be learned.
   */
  private async knownCapacity(id: string, settings: ScaleSettings): Promise<KnownCapacity | null> {
    if (!settings.learnCeiling || !this.learner) return null;
    const learned = await this.learner.capacity(id, settings.learnCeiling);
    return learned.perReplica !== null && learned.perReplica > 0
      ? { perReplica: learned.perReplica, origin: learned.origin }
      : null;
  }

  /** What the target's memory holds after a change (audited with it, so a restart can read it back). */
  private keptAfter(target: string, verdict: PolicyDecision & { kind: 'scale' }): KeptState {
    const side = <T>(memory: { live: T | null; any: T | null } | undefined): T | null =>
      (verdict.dryRun ? memory?.any : memory?.live) ?? null;
    const reference = referenceAfter(verdict, this.now()) ?? side(this.references.get(target));
    const flood = verdict.flood !== undefined ? verdict.flood : side(this.floods.get(target));
    return { reference: reference === null ? null : withoutTime(reference), flood };
  }

  /**
   * After a restart, the target's memory as its newest audited changes left it (live: the newest live one; live or
   * dry-run: the newest of either), once per target; a target this process has already decided on keeps its own.
   */
  private async restore(target: string): Promise<void> {
    if (this.restored.has(target)) return;
    // Marked once read (a log that cannot be read now is tried again at the next look).
    const { live, any } = await this.options.audit.keptFor(target);
    this.restored.add(target);
    // A decision made in this process (before, or while the log was read) knows better.
    if (any === null || this.references.has(target) || this.floods.has(target)) return;
    const at = (action: IndexedAction) => Date.parse(action.finishedAt ?? action.acceptedAt ?? '') || this.now();
    const referenceOf = (action: IndexedAction | null): LoadReference | null =>
      action?.kept?.reference ? { ...action.kept.reference, at: at(action) } : null;
    this.references.set(target, { live: referenceOf(live), any: referenceOf(any) });
    this.floods.set(target, { live: live?.kept?.flood ?? null, any: any.kept?.flood ?? null });
  }

  /** Keeps what a decision leaves for the next one: the per-replica reference and the flood record (a dry-run only in `any`). */
  private remember(target: string, verdict: PolicyDecision): void {
    const keep = <T>(memory: Map<string, { live: T | null; any: T | null }>, value: T | null | undefined): void => {
      if (value === undefined) return;
      const was = memory.get(target) ?? { live: null, any: null };
      memory.set(target, { live: verdict.dryRun ? was.live : value, any: value });
    };
    keep(this.references, referenceAfter(verdict, this.now()));
    keep(this.floods, verdict.flood);
  }

  /** Carries out an alert-driven decision: a hold is audited (when asked), a change goes through the audited path. */
  private async applyStep(
    head: AutoDecision,
    decided: Base,
    backend: ScaleBackend,
    workload: Workload,
    verdict: PolicyDecision,
    options: { auditHold: boolean },
  ): Promise<AutoDecision> {
    if (verdict.kind === 'hold') {
      this.remember(workload.id, verdict);
      const held: AutoDecision = {
        ...head,
        decision: 'held',
        reason: verdict.reason,
        before: workload.desired,
        after: workload.desired,
      };
      if (verdict.notes.length > 0) held.notes = verdict.notes;
      if (!options.auditHold) return held;
      await this.options.audit.record({
        ...decided,
        backend: backend.kind,
        phase: 'held',
        before: workload.desired,
        after: workload.desired,
        detail: verdict.reason,
        ...(verdict.notes.length > 0 ? { notes: verdict.notes } : {}),
      });
      this.count('held');
      return { ...held, auditId: decided.action };
    }
    const kept = this.keptAfter(workload.id, verdict);
    const result = await this.execute({ ...decided, kept }, backend, workload, verdict.to, verdict.notes);
    this.remember(workload.id, verdict);
    const scaled: AutoDecision = {
      ...head,
      decision: verdict.dryRun ? 'dry_run' : 'scaled',
      reason: verdict.dryRun
        ? `dry-run: would scale ${result.before} -> ${result.after}; nothing was changed`
        : `scaled ${result.before} -> ${result.after}`,
      before: result.before,
      after: result.after,
      auditId: result.auditId,
    };
    if (verdict.notes.length > 0) scaled.notes = verdict.notes;
    return scaled;
  }

  async close(): Promise<void> {
    await Promise.all([this.options.audit.close(), this.options.idempotency.close()]);
  }
}
