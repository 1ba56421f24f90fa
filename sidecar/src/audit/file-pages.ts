/**
 * Reading the audit file as a stream, for the start-up load and for the pages that are no longer
 * in memory. Memory stays bounded by what is asked for (one page) plus the actions running at any
 * one time, never by the size of the file.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { asAuditEntry, foldEntry, withLiveStatus, type SkippedLine } from './reader.js';
import type { ActionStatus, AuditAction, AuditEntry } from './types.js';

/**
 * Calls `onEntry` for each audit entry in the first `end` bytes of `file`, in order, and
 * `onSkipped` for each line that is not one. `onEntry` returns true to stop early. A missing file
 * has no entries.
 */
export async function forEachEntry(
  file: string,
  end: number,
  onEntry: (entry: AuditEntry) => boolean | void,
  onSkipped: (skipped: SkippedLine) => void = () => undefined,
): Promise<void> {
  if (end <= 0) return;
  const input = createReadStream(file, { start: 0, end: end - 1, encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  let lastFailed: SkippedLine | undefined;
  try {
    for await (const raw of lines) {
      number += 1;
      lastFailed = undefined;
      const line = raw.trim();
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line) as unknown;
      } catch {
        lastFailed = { line: number, reason: 'not valid JSON (the file was edited or damaged)' };
        onSkipped(lastFailed);
        continue;
      }
      const entry = asAuditEntry(value);
      if (typeof entry === 'string') {
        onSkipped({ line: number, reason: `not an audit entry: ${entry}` });
        continue;
      }
      if (onEntry(entry) === true) break;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  } finally {
    lines.close();
    input.destroy();
  }
  // The last line without its newline: the writer stopped in the middle of it.
  if (lastFailed && !(await endsWithNewline(file, end))) {
    lastFailed.reason = 'torn final line: the writer stopped in the middle of it';
  }
}

async function endsWithNewline(file: string, end: number): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, end - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

export interface FileQuery {
  target?: string;
  status?: ActionStatus;
  offset: number;
  limit: number;
}

/**
 * One page of actions, newest first, read from the first `end` bytes of the file, with the same
 * order (by first appearance) and statuses as the in-memory index. Two passes: the first counts the
 * matching actions and learns which never finish; the second folds again, releasing actions in
 * the order they first appeared (an action waits only for the outcome of an earlier one still
 * running), and keeps just the page. Assumes, as the writer guarantees, at most one accepted and
 * one outcome line per action.
 */
export async function pageFromFile(
  file: string,
  end: number,
  query: FileQuery,
  inFlight: ReadonlySet<string>,
): Promise<{ items: AuditAction[]; total: number }> {
  const matches = (action: AuditAction): boolean =>
    (query.target === undefined || action.target === query.target) &&
    (query.status === undefined || withLiveStatus(action, inFlight).status === query.status);

  let total = 0;
  const open = new Map<string, AuditAction>();
  await forEachEntry(file, end, (entry) => {
    const action = foldEntry(open.get(entry.action), entry);
    if (!action) return;
    if (action.status === 'unfinished') {
      open.set(entry.action, action);
      return;
    }
    open.delete(entry.action);
    if (matches(action)) total += 1;
  });
  const neverFinished = new Set(open.keys());
  for (const action of open.values()) if (matches(action)) total += 1;

  // Oldest-first positions [from, to) among the matching actions make the newest-first page.
  const to = Math.max(0, total - query.offset);
  const from = Math.max(0, to - query.limit);
  const items: AuditAction[] = [];
  if (from >= to) return { items, total };

  type Slot = { action: AuditAction; done: boolean };
  const queue: Slot[] = [];
  let head = 0;
  const waiting = new Map<string, Slot>();
  let position = 0;
  const release = (): boolean => {
    while (head < queue.length && queue[head]!.done) {
      const { action } = queue[head]!;
      head += 1;
      if (!matches(action)) continue;
      if (position >= from) items.push(withLiveStatus(action, inFlight));
      position += 1;
      if (position >= to) return true;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    return false;
  };
  let finished = false;
  await forEachEntry(file, end, (entry) => {
    const slot = waiting.get(entry.action);
    const action = foldEntry(slot?.action, entry);
    if (!action) return false;
    if (slot) {
      slot.action = action;
      slot.done = true;
      waiting.delete(entry.action);
    } else {
      const fresh: Slot = { action, done: action.status !== 'unfinished' || neverFinished.has(entry.action) };
      queue.push(fresh);
      if (!fresh.done) waiting.set(entry.action, fresh);
    }
    finished = release();
    return finished;
  });
  if (!finished) {
    for (const slot of waiting.values()) slot.done = true;
    release();
  }
  return { items: items.reverse(), total };
}
