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

/**
 * Idempotency keys persisted in `<dataDir>/idempotency.jsonl` (append-only, fsynced), so a
 * repeated request acts once even across restarts. Records expire `ttlMs` after the first
 * attempt; on start the file is compacted to the live records.
 */
export class IdempotencyStore<R> {
  readonly file: string;
  private readonly records = new Map<string, IdempotencyRecord<R>>();
  private writer: AppendOnlyFile;
  private loading: Promise<void> | undefined;

  constructor(
    dataDir: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, IDEMPOTENCY_FILE_NAME);
    this.writer = new AppendOnlyFile(this.file);
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
    let lines = 0;
    for (const { value } of records) {
      lines += 1;
      if (isRecord(value)) this.records.set(value.key, value as IdempotencyRecord<R>);
    }
    for (const [key, record] of this.records) if (this.expired(record)) this.records.delete(key);
    if (lines > this.records.size) await this.compact();
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
    await rename(temporary, this.file);
    this.writer = new AppendOnlyFile(this.file);
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
    await this.writer.append(record);
    this.records.set(record.key, record);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
