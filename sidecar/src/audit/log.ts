import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppendOnlyFile, type OpenForAppend } from './append-only-file.js';
import { forEachEntry, pageFromFile } from './file-pages.js';
import { ActionIndex, withLiveStatus, type SkippedLine } from './reader.js';
import type { ActionStatus, AuditAction, AuditDraft, AuditEntry, IndexedAction } from './types.js';

export const AUDIT_FILE_NAME = 'audit.jsonl';

export interface AuditQuery {
  target?: string;
  status?: ActionStatus;
  /** Newest first; skip this many. */
  offset: number;
  limit: number;
}

export interface AuditPage {
  items: AuditAction[];
  total: number;
  /** Lines of the file that could not be read (a torn last line after a crash, say). */
  skipped: SkippedLine[];
}

/** Actions kept in memory by default; older ones are paged from the file. */
export const DEFAULT_MAX_ACTIONS_IN_MEMORY = 10_000;

/** Unreadable lines reported (the rest are counted in the first ones' company, not listed). */
const MAX_SKIPPED_REPORTED = 100;

export interface AuditLogOptions {
  now?: () => Date;
  /** Newest actions kept in memory (default 10,000); pages past them are read from the file. */
  maxActionsInMemory?: number;
  /** How the file is opened for appending; tests inject faults here. */
  openFile?: OpenForAppend;
}

/**
 * The persistent audit log: `<dataDir>/audit.jsonl`, append-only, one fsynced JSON line per
 * entry. The file is streamed once, on first use, into an in-memory index of the newest
 * `maxActionsInMemory` actions, which then follows every line written. Pages that reach past
 * those are read from the file (file-pages.ts), so memory does not grow with the log.
 */
export class AuditLog {
  readonly file: string;
  private readonly writer: AppendOnlyFile;
  private readonly index: ActionIndex;
  private skipped: SkippedLine[] = [];
  private loading: Promise<void> | undefined;
  /** Accepted in this process and not finished yet: shown as in_progress, not unfinished. */
  private readonly inFlight = new Set<string>();

  private readonly now: () => Date;

  constructor(dataDir: string, options: AuditLogOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.index = new ActionIndex(options.maxActionsInMemory ?? DEFAULT_MAX_ACTIONS_IN_MEMORY);
    this.file = path.join(dataDir, AUDIT_FILE_NAME);
    this.writer = new AppendOnlyFile(this.file, options.openFile);
  }

  /** Loads the existing file; safe to call many times. */
  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const skipped: SkippedLine[] = [];
    await forEachEntry(
      this.file,
      await this.size(),
      (entry) => this.index.add(entry),
      (line) => {
        if (skipped.length < MAX_SKIPPED_REPORTED) skipped.push(line);
      },
    );
    this.skipped = skipped;
  }

  /** Bytes in the file now (0 when there is none yet). */
  private async size(): Promise<number> {
    try {
      return (await stat(this.file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  /** Actions held in memory (at most maxActionsInMemory). */
  get actionsInMemory(): number {
    return this.index.size;
  }

  /** Writes one entry and resolves once it is on disk. */
  async record(draft: AuditDraft): Promise<AuditEntry> {
    await this.ready();
    const entry: AuditEntry = { v: 1, at: this.now().toISOString(), ...draft };
    try {
      await this.writer.append(entry);
    } catch (error) {
      // An outcome that never reached the file leaves the action unfinished on disk; showing it
      // in_progress until a restart would claim it is still running.
      if (entry.phase !== 'accepted') this.inFlight.delete(entry.action);
      throw error;
    }
    if (entry.phase === 'accepted') this.inFlight.add(entry.action);
    else this.inFlight.delete(entry.action);
    this.index.add(entry);
    return entry;
  }

  async page(query: AuditQuery): Promise<AuditPage> {
    await this.ready();
    const inMemory = this.index
      .actions(this.inFlight)
      .filter((a) => query.target === undefined || a.target === query.target)
      .filter((a) => query.status === undefined || a.status === query.status)
      .reverse();
    // Memory holds the newest actions, so a page within them is theirs; the total needs the counts
    // of the whole log, which the index keeps while it can.
    const total = this.index.evicted === 0 ? inMemory.length : this.totalOf(query);
    if (total !== undefined && query.offset + query.limit <= inMemory.length) {
      return { items: inMemory.slice(query.offset, query.offset + query.limit), total, skipped: this.skipped };
    }
    if (total !== undefined && (this.index.evicted === 0 || query.offset >= total)) {
      return { items: inMemory.slice(query.offset, query.offset + query.limit), total, skipped: this.skipped };
    }
    const fromFile = await pageFromFile(this.file, await this.size(), query, this.inFlight);
    return { ...fromFile, skipped: this.skipped };
  }

  /** Matching actions in the whole log, from the index's counts; undefined when they are not exact. */
  private totalOf(query: AuditQuery): number | undefined {
    const { target, status } = query;
    // Running now: unfinished in the file, in progress to this process.
    let running = 0;
    if (status === 'in_progress' || status === 'unfinished') {
      for (const id of this.inFlight) {
        const action = this.index.get(id);
        if (!action) return undefined;
        if (action.status === 'unfinished' && (target === undefined || action.target === target)) running += 1;
      }
    }
    if (status === 'in_progress') return running;
    const counted = this.index.countOf(target, status);
    if (counted === undefined) return undefined;
    return status === 'unfinished' ? counted - running : counted;
  }

  /** One action, when it is among the newest ones held in memory. */
  async get(actionId: string): Promise<AuditAction | undefined> {
    await this.ready();
    const action = this.index.get(actionId);
    return action && withLiveStatus(action, this.inFlight);
  }

  async latestFor(target: string): Promise<AuditAction | undefined> {
    await this.ready();
    return this.index.latestFor(target, this.inFlight);
  }

  /** See ActionIndex.lastChangeAt. */
  async lastChangeAt(target: string, includeDryRun: boolean): Promise<number | null> {
    await this.ready();
    return this.index.lastChangeAt(target, includeDryRun);
  }

  /** See ActionIndex.keptFor. */
  async keptFor(target: string): Promise<{ live: IndexedAction | null; any: IndexedAction | null }> {
    await this.ready();
    return this.index.keptFor(target);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
