import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * A JSON-lines file that is only ever appended to, one fsynced line at a time. Writes are queued
 * so lines never interleave, and each `append` resolves only once its line is on disk: a caller
 * that awaits it may act knowing the record survives a crash.
 */
export class AppendOnlyFile {
  private handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  private async openHandle(): Promise<FileHandle> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true });
    const handle = await open(this.file, 'a+');
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
        await handle.write('\n');
        await handle.sync();
      }
    }
    this.handle = handle;
    return handle;
  }

  private ensureOpen(): Promise<FileHandle> {
    if (this.handle) return Promise.resolve(this.handle);
    this.opening ??= this.openHandle().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Appends `record` as one JSON line and fsyncs it. */
  append(record: unknown): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const write = this.queue.then(async () => {
      const handle = await this.ensureOpen();
      await handle.write(line);
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
