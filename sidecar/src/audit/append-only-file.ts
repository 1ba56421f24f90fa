import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** The part of a file handle the appender uses; tests wrap a real one to inject short or failed writes. */
export interface AppendHandle {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Opens `file` for appending (`a+`); replaceable for fault injection. */
export type OpenForAppend = (file: string) => Promise<AppendHandle>;

const openForAppend: OpenForAppend = (file) => open(file, 'a+') as Promise<FileHandle & AppendHandle>;

/**
 * Writes all of `data`: a write may take fewer bytes than asked (a signal, a full disk, a network
 * filesystem), and a line cut short would lose the record. Resolves with nothing; on failure the
 * error carries how many bytes did reach the file, so the caller knows whether it left a fragment.
 */
export async function writeAll(handle: AppendHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    let written: number;
    try {
      ({ bytesWritten: written } = await handle.write(data, offset, data.length - offset));
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { bytesWritten: offset });
    }
    // No progress at all would loop forever; the kernel reports real errors by throwing.
    if (written <= 0) {
      throw Object.assign(new Error(`write made no progress after ${offset} of ${data.length} bytes`), {
        bytesWritten: offset,
      });
    }
    offset += written;
  }
}

function bytesWrittenOf(error: unknown): number {
  const value = (error as { bytesWritten?: unknown } | null)?.bytesWritten;
  return typeof value === 'number' ? value : 0;
}

/**
 * A JSON-lines file that is only ever appended to, one fsynced line at a time. Writes are queued
 * so lines never interleave, each is written in full (short writes are continued), and each
 * `append` resolves only once its line is on disk: a caller that awaits it may act knowing the
 * record survives a crash. A write that fails part-way leaves a fragment; the next line starts on
 * a fresh line, so readers skip the fragment and never lose the record after it.
 */
export class AppendOnlyFile {
  private handle: AppendHandle | undefined;
  private opening: Promise<AppendHandle> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last write failed after part of its line reached the file. */
  private fragment = false;

  constructor(
    readonly file: string,
    private readonly openFile: OpenForAppend = openForAppend,
  ) {}

  private async openHandle(): Promise<AppendHandle> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true });
    const handle = await this.openFile(this.file);
    const { size } = await handle.stat();
    if (size === 0) {
      // A new file's directory entry must reach the disk too, or a crash could lose the file.
      await syncDirectory(dir);
    } else {
      // A crash mid-write leaves a torn line without its newline; start on a fresh line so the
      // next record is not glued to the fragment (readers skip the fragment, not the record).
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) {
        await writeAll(handle, NEWLINE);
        await handle.sync();
      }
    }
    this.handle = handle;
    return handle;
  }

  private ensureOpen(): Promise<AppendHandle> {
    if (this.handle) return Promise.resolve(this.handle);
    this.opening ??= this.openHandle().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Appends `record` as one JSON line and fsyncs it. */
  append(record: unknown): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const write = this.queue.then(async () => {
      const handle = await this.ensureOpen();
      const data = this.fragment ? Buffer.concat([NEWLINE, line]) : line;
      try {
        await writeAll(handle, data);
      } catch (error) {
        // A fragment is left unless nothing at all was written (a leading newline alone is harmless).
        const written = bytesWrittenOf(error);
        if (written > (this.fragment ? 1 : 0)) this.fragment = true;
        throw error;
      }
      this.fragment = false;
      await handle.sync();
    });
    // One failed write must not wedge every later one.
    this.queue = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.queue;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

const NEWLINE = Buffer.from('\n');

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the file's own fsync still holds.
  } finally {
    await handle?.close();
  }
}
