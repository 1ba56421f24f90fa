import { createHash } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { AppendOnlyFile } from '../audit/append-only-file.js';
import { parseJsonLines } from '../audit/reader.js';

export const IDEMPOTENCY_FILE_NAME = 'idempotency.jsonl';

/**
 * What the store remembers about one Idempotency-Key. `pending` is written before the action
 * starts and keeps the absolute replica count the first attempt resolved: a retry after a crash or
 * a failure converges on that count rather than applying a `delta` a second time. `done` keeps the
 * answer, which a repeated request gets back unchanged.
 */
export interface IdempotencyRecord<R> {
  key: string;
  /** Hash of what the request asked for; the same key with a different request is refused. */
  fingerprint: string;
  /** ms since epoch of the first attempt; the TTL counts from here. */
  createdAt: number;
  state: 'pending' | 'done';
  replicas: number;
  response?: R;
}

export function fingerprintOf(parts: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((k) => [k, parts[k] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

function isRecord(value: unknown): value is IdempotencyRecord<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.key === 'string' &&
    typeof r.fingerprint === 'string' &&
    typeof r.createdAt === 'number' &&
    (r.state === 'pending' || r.state === 'done') &&
    typeof r.replicas === 'number'
  );
}

/** Longest pause between two prunes of expired keys. */
const MAX_PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Idempotency keys persisted in `<dataDir>/idempotency.jsonl` (append-only, fsynced), so a
 * repeated request acts once even across restarts. Records expire `ttlMs` after the first
 * attempt. Expired records leave memory on a timer (every `min(ttl, 10 min)`, unref'd so it never
 * keeps the process alive), and the file is compacted to the live records on start and whenever
 * most of its lines are dead; so neither grows with the number of keys ever used.
 */
export class IdempotencyStore<R> {
  readonly file: string;
  private readonly records = new Map<string, IdempotencyRecord<R>>();
  private writer: AppendOnlyFile;
  private loading: Promise<void> | undefined;
  /** Lines in the file, live or not; compaction brings it back to the live count. */
  private lines = 0;
  /** Puts and compactions in order, so no record is appended to a file being replaced. */
  private serial: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    dataDir: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, IDEMPOTENCY_FILE_NAME);
    this.writer = new AppendOnlyFile(this.file);
    this.timer = setInterval(
      () => {
        // A failed prune leaves the records in place; the next one tries again.
        this.prune().catch(() => undefined);
      },
      Math.max(1_000, Math.min(ttlMs, MAX_PRUNE_INTERVAL_MS)),
    );
    this.timer.unref();
  }

  /** Records in memory (live ones, until the next prune). */
  get size(): number {
    return this.records.size;
  }

  /**
   * Drops expired records from memory, and compacts the file once more than half of its lines
   * (and over 100) are dead. Runs on the timer; callable directly.
   */
  async prune(): Promise<void> {
    await this.ready();
    for (const [key, record] of this.records) if (this.expired(record)) this.records.delete(key);
    if (this.lines > 100 && this.lines > 2 * this.records.size) await this.exclusive(() => this.compact());
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private expired(record: IdempotencyRecord<R>): boolean {
    return this.now() - record.createdAt > this.ttlMs;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const { records } = parseJsonLines(text);
    this.lines = records.length;
    for (const { value } of records) {
      if (isRecord(value)) this.records.set(value.key, value as IdempotencyRecord<R>);
    }
    for (const [key, record] of this.records) if (this.expired(record)) this.records.delete(key);
    if (this.lines > this.records.size) await this.compact();
  }

  /** Rewrites the file with only the live records: write aside, fsync, then rename over. */
  private async compact(): Promise<void> {
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      const body = [...this.records.values()].map((r) => `${JSON.stringify(r)}\n`).join('');
      await handle.write(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The old writer's handle points at the file being replaced: close it first.
    await this.writer.close();
    await rename(temporary, this.file);
    this.writer = new AppendOnlyFile(this.file);
    this.lines = this.records.size;
  }

  async get(key: string): Promise<IdempotencyRecord<R> | undefined> {
    await this.ready();
    const record = this.records.get(key);
    if (record && this.expired(record)) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  async put(record: IdempotencyRecord<R>): Promise<void> {
    await this.ready();
    await this.exclusive(() => this.writer.append(record));
    this.lines += 1;
    this.records.set(record.key, record);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.serial;
    await this.writer.close();
  }
}
