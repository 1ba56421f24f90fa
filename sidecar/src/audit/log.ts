import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppendOnlyFile, type OpenForAppend } from './append-only-file.js';
import { ActionIndex, readAuditText, withLiveStatus, type SkippedLine } from './reader.js';
import type { ActionStatus, AuditAction, AuditDraft, AuditEntry } from './types.js';

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

export interface AuditLogOptions {
  now?: () => Date;
  /** How the file is opened for appending; tests inject faults here. */
  openFile?: OpenForAppend;
}

/**
 * The persistent audit log: `<dataDir>/audit.jsonl`, append-only, one fsynced JSON line per
 * entry. The file is read once, on first use, into an in-memory index; afterwards the index
 * follows every line written, so queries never re-read the disk.
 */
export class AuditLog {
  readonly file: string;
  private readonly writer: AppendOnlyFile;
  private readonly index = new ActionIndex();
  private skipped: SkippedLine[] = [];
  private loading: Promise<void> | undefined;
  /** Accepted in this process and not finished yet: shown as in_progress, not unfinished. */
  private readonly inFlight = new Set<string>();

  private readonly now: () => Date;

  constructor(dataDir: string, options: AuditLogOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.file = path.join(dataDir, AUDIT_FILE_NAME);
    this.writer = new AppendOnlyFile(this.file, options.openFile);
  }

  /** Loads the existing file; safe to call many times. */
  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const { entries, skipped } = readAuditText(text);
    for (const entry of entries) this.index.add(entry);
    this.skipped = skipped;
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
    const all = this.index
      .actions(this.inFlight)
      .filter((a) => query.target === undefined || a.target === query.target)
      .filter((a) => query.status === undefined || a.status === query.status)
      .reverse();
    return {
      items: all.slice(query.offset, query.offset + query.limit),
      total: all.length,
      skipped: this.skipped,
    };
  }

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

  close(): Promise<void> {
    return this.writer.close();
  }
}
