/**
 * Reading the audit log back, tolerant of what a crash leaves behind: a torn last line (the
 * process died mid-write) is reported and skipped, never fatal, and an accepted entry without an
 * outcome shows up as an `unfinished` action.
 */
import {
  OUTCOME_PHASES,
  type ActionStatus,
  type AuditAction,
  type AuditEntry,
  type AuditPhase,
  type IndexedAction,
} from './types.js';

export interface SkippedLine {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

export interface ParsedLines {
  records: Array<{ line: number; value: unknown }>;
  skipped: SkippedLine[];
}

/** Splits JSON-lines text; blank lines are ignored, unparsable lines are reported with their number. */
export function parseJsonLines(text: string): ParsedLines {
  const records: ParsedLines['records'] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text === '';
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const isLast = index === lines.length - 1;
    try {
      records.push({ line: index + 1, value: JSON.parse(line) as unknown });
    } catch {
      skipped.push({
        line: index + 1,
        reason:
          isLast && !endsClean
            ? 'torn final line: the writer stopped in the middle of it'
            : 'not valid JSON (the file was edited or damaged)',
      });
    }
  });
  return { records, skipped };
}

const PHASES: ReadonlyArray<AuditPhase> = ['accepted', ...OUTCOME_PHASES];

function isReplicaCount(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0);
}

/** Narrows a parsed line to an audit entry; returns the reason when it is not one. */
export function asAuditEntry(value: unknown): AuditEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const entry = value as Record<string, unknown>;
  if (entry.v !== 1) return `unknown version ${JSON.stringify(entry.v)}`;
  for (const field of ['action', 'at', 'target', 'who', 'source', 'reason'] as const) {
    if (typeof entry[field] !== 'string') return `field "${field}" is not a string`;
  }
  if (!PHASES.includes(entry.phase as AuditPhase)) return `unknown phase ${JSON.stringify(entry.phase)}`;
  if (!isReplicaCount(entry.before) || !isReplicaCount(entry.after)) return 'before/after are not replica counts';
  if (typeof entry.dryRun !== 'boolean') return 'field "dryRun" is not a boolean';
  return value as AuditEntry;
}

/**
 * One entry folded into its action (`existing` when the action was seen before). Undefined when the
 * entry changes nothing: a repeated or late accepted line never overrides what is known, and an
 * outcome never overrides an earlier outcome.
 */
export function foldEntry(existing: AuditAction | undefined, entry: AuditEntry): AuditAction | undefined {
  if (entry.phase === 'accepted') {
    if (existing) return undefined;
    return { ...common(entry), status: 'unfinished', acceptedAt: entry.at };
  }
  if (existing && existing.status !== 'unfinished') return undefined;
  const action: AuditAction = {
    ...(existing ?? common(entry)),
    status: entry.phase,
    before: entry.before ?? existing?.before ?? null,
    after: entry.after,
    finishedAt: entry.at,
  };
  if (entry.detail !== undefined) action.detail = entry.detail;
  if (entry.errorCode !== undefined) action.errorCode = entry.errorCode;
  const notes = [...(existing?.notes ?? []), ...(entry.notes ?? [])];
  if (notes.length > 0) action.notes = [...new Set(notes)];
  if (entry.policy !== undefined) action.policy = entry.policy;
  if (entry.kept !== undefined) (action as IndexedAction).kept = entry.kept;
  return action;
}

/** Every status an action can have in the file (in_progress is unfinished, seen from its own process). */
type FileStatus = Exclude<ActionStatus, 'in_progress'>;
/** Count of all actions, whatever their status. */
const ALL = '*';

/**
 * Folds entries into actions, in the order each action first appeared. At most `maxActions`
 * actions (and last actions per target) are kept: past it the oldest are dropped and `evicted`
 * counts them, so the log's owner knows older pages must be read from the file. Counts of all
 * actions by status and target are kept exactly (for up to `maxActions` targets; past that only
 * the overall counts), so a page within the newest actions never needs the file. The newest change
 * time per target is kept for every target that was really changed (the cooldowns need it).
 */
export class ActionIndex {
  private readonly byId = new Map<string, AuditAction>();
  /** Newest action per target, for "last action" in the targets list. */
  private readonly latestByTarget = new Map<string, AuditAction>();
  /** Times (ms) of the newest replica change per target: live only, and live or dry-run. */
  private readonly changesByTarget = new Map<string, { live: number | null; any: number | null }>();
  private readonly keptByTarget = new Map<string, { live: IndexedAction | null; any: IndexedAction | null }>();
  /** Actions dropped from memory because of the cap. */
  evicted = 0;
  /** Dropped actions still waiting for their outcome (few: they ran while maxActions others began). */
  private readonly evictedOpen = new Map<string, AuditAction>();
  private readonly counts = new Map<string, number>();
  private readonly countsByTarget = new Map<string, Map<string, number>>();
  /** False once a target's counts could not be kept (more than maxActions targets). */
  private targetCountsExact = true;

  constructor(readonly maxActions: number = Number.POSITIVE_INFINITY) {}

  /** Actions held in memory. */
  get size(): number {
    return this.byId.size;
  }

  add(entry: AuditEntry): void {
    const dropped = this.evictedOpen.get(entry.action);
    const existing = this.byId.get(entry.action) ?? dropped;
    const action = foldEntry(existing, entry);
    if (!action) return;
    if (existing) this.count(existing.target, existing.status, -1);
    else this.count(entry.target, ALL, 1);
    this.count(action.target, action.status, 1);
    if (dropped) {
      // Its place is among the old actions, on disk; only its effects are kept.
      this.evictedOpen.delete(entry.action);
    } else {
      if (!existing) this.makeRoom();
      this.byId.set(entry.action, action);
    }
    // Re-inserted so the map's order is by recency, and the cap drops the stalest target.
    this.latestByTarget.delete(entry.target);
    this.latestByTarget.set(entry.target, action);
    if (this.latestByTarget.size > this.maxActions) {
      const stalest = this.latestByTarget.keys().next();
      if (!stalest.done) this.latestByTarget.delete(stalest.value);
    }
    if (entry.phase !== 'accepted') {
      this.noteChange(action);
      this.noteKept(action);
    }
  }

  private makeRoom(): void {
    while (this.byId.size >= this.maxActions) {
      const oldest = this.byId.entries().next();
      if (oldest.done) return;
      const [id, action] = oldest.value;
      this.byId.delete(id);
      this.evicted += 1;
      if (action.status === 'unfinished' && this.evictedOpen.size < this.maxActions) this.evictedOpen.set(id, action);
    }
  }

  private count(target: string, status: string, delta: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + delta);
    let byStatus = this.countsByTarget.get(target);
    if (!byStatus) {
      if (!this.targetCountsExact) return;
      if (this.countsByTarget.size >= this.maxActions) {
        this.targetCountsExact = false;
        this.countsByTarget.clear();
        return;
      }
      byStatus = new Map();
      this.countsByTarget.set(target, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + delta);
  }

  /**
   * How many actions (on `target`, with `status`; either may be absent) the whole log holds, as
   * the file says (unfinished includes the ones running now); undefined when not known exactly.
   */
  countOf(target: string | undefined, status: FileStatus | undefined): number | undefined {
    const key = status ?? ALL;
    if (target === undefined) return this.counts.get(key) ?? 0;
    if (!this.targetCountsExact) return undefined;
    return this.countsByTarget.get(target)?.get(key) ?? 0;
  }

  get(id: string): AuditAction | undefined {
    return this.byId.get(id);
  }

  /** All actions, oldest first; ids in `inFlight` are running now, so they are not unfinished. */
  actions(inFlight: ReadonlySet<string> = new Set()): AuditAction[] {
    return [...this.byId.values()].map((action) => withLiveStatus(action, inFlight));
  }

  latestFor(target: string, inFlight: ReadonlySet<string> = new Set()): AuditAction | undefined {
    const action = this.latestByTarget.get(target);
    return action && withLiveStatus(action, inFlight);
  }

  /**
   * Time (ms) of the newest action on `target` that changed, or with `includeDryRun` would have
   * changed, its replicas; the automatic policy's cooldown starts there.
   */
  lastChangeAt(target: string, includeDryRun: boolean): number | null {
    const changes = this.changesByTarget.get(target);
    if (!changes) return null;
    return includeDryRun ? changes.any : changes.live;
  }

  /**
   * The newest applied actions on `target` that carry the alert-driven policy's kept state (live: not a dry-run;
   * any: either), over the whole log as it was read: what a restarted scaler reads its memory back from.
   */
  keptFor(target: string): { live: IndexedAction | null; any: IndexedAction | null } {
    return this.keptByTarget.get(target) ?? { live: null, any: null };
  }

  private noteKept(action: IndexedAction): void {
    if (action.status !== 'applied' || action.kept === undefined) return;
    const kept = this.keptByTarget.get(action.target) ?? { live: null, any: null };
    this.keptByTarget.set(action.target, { live: action.dryRun ? kept.live : action, any: action });
  }

  private noteChange(action: AuditAction): void {
    if (action.status !== 'applied' || action.before === action.after) return;
    const at = Date.parse(action.acceptedAt ?? action.finishedAt ?? '');
    if (!Number.isFinite(at)) return;
    const changes = this.changesByTarget.get(action.target) ?? { live: null, any: null };
    if (!action.dryRun) changes.live = Math.max(changes.live ?? at, at);
    changes.any = Math.max(changes.any ?? at, at);
    this.changesByTarget.set(action.target, changes);
  }
}

function common(entry: AuditEntry): AuditAction {
  const action: AuditAction = {
    id: entry.action,
    target: entry.target,
    status: 'unfinished',
    who: entry.who,
    source: entry.source,
    reason: entry.reason,
    before: entry.before,
    after: entry.after,
    dryRun: entry.dryRun,
  };
  if (entry.backend !== undefined) action.backend = entry.backend;
  if (entry.idempotencyKey !== undefined) action.idempotencyKey = entry.idempotencyKey;
  if (entry.notes !== undefined) action.notes = entry.notes;
  if (entry.alert !== undefined) action.alert = entry.alert;
  if (entry.policy !== undefined) action.policy = entry.policy;
  if (entry.kept !== undefined) (action as IndexedAction).kept = entry.kept;
  return action;
}

/** An unfinished action that is running in this process is in progress, not unfinished. */
export function withLiveStatus(action: AuditAction, inFlight: ReadonlySet<string>): AuditAction {
  return action.status === 'unfinished' && inFlight.has(action.id) ? { ...action, status: 'in_progress' } : action;
}

export interface AuditReadResult {
  entries: AuditEntry[];
  skipped: SkippedLine[];
  index: ActionIndex;
}

/** Reads a whole audit file's text into entries and folded actions. */
export function readAuditText(text: string): AuditReadResult {
  const { records, skipped } = parseJsonLines(text);
  const entries: AuditEntry[] = [];
  const index = new ActionIndex();
  for (const { line, value } of records) {
    const entry = asAuditEntry(value);
    if (typeof entry === 'string') {
      skipped.push({ line, reason: `not an audit entry: ${entry}` });
      continue;
    }
    entries.push(entry);
    index.add(entry);
  }
  skipped.sort((a, b) => a.line - b.line);
  return { entries, skipped, index };
}
