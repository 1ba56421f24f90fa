import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppendOnlyFile, type AppendHandle, type OpenForAppend } from './append-only-file.js';
import { parseJsonLines } from './reader.js';

/**
 * Opens the real file, but each write takes at most `chunk` bytes, and `failAfter` (when set)
 * makes the write that would pass that many bytes in total write up to it and then throw ENOSPC.
 */
function faultyOpen(options: { chunk: number; failAfter?: () => number | undefined }): {
  open: OpenForAppend;
  calls: () => number;
} {
  let calls = 0;
  let total = 0;
  const openFaulty: OpenForAppend = async (file) => {
    const real = await open(file, 'a+');
    const handle: AppendHandle = {
      write: async (buffer, offset, length) => {
        calls += 1;
        let take = Math.min(length, options.chunk);
        const limit = options.failAfter?.();
        if (limit !== undefined && total + take > limit) {
          take = Math.max(0, limit - total);
          if (take > 0) total += (await real.write(buffer, offset, take)).bytesWritten;
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        const { bytesWritten } = await real.write(buffer, offset, take);
        total += bytesWritten;
        return { bytesWritten };
      },
      read: (buffer, offset, length, position) => real.read(buffer, offset, length, position),
      stat: () => real.stat(),
      sync: () => real.sync(),
      close: () => real.close(),
    };
    return handle;
  };
  return { open: openFaulty, calls: () => calls };
}

describe('AppendOnlyFile under injected faults', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-append-'));
    file = path.join(dir, 'log.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('continues short writes until every byte of every line is on disk', async () => {
    const faulty = faultyOpen({ chunk: 7 });
    const log = new AppendOnlyFile(file, faulty.open);
    const records = Array.from({ length: 20 }, (_, i) => ({ i, text: `record ${i} ${'x'.repeat(i * 5)}` }));
    await Promise.all(records.map((r) => log.append(r)));
    await log.close();
    const text = readFileSync(file, 'utf8');
    expect(parseJsonLines(text)).toEqual({
      records: records.map((value, k) => ({ line: k + 1, value })),
      skipped: [],
    });
    // Each line needed several writes: the loop, not one lucky call, wrote them.
    expect(faulty.calls()).toBeGreaterThan(records.length * 3);
  });

  it('after a write that fails part-way, starts the next line fresh so only the fragment is lost', async () => {
    let limit: number | undefined;
    const log = new AppendOnlyFile(file, faultyOpen({ chunk: 5, failAfter: () => limit }).open);
    await log.append({ n: 1 });
    const firstLine = readFileSync(file).length;
    limit = firstLine + 6;
    await expect(log.append({ n: 2, long: 'y'.repeat(50) })).rejects.toThrow(/ENOSPC/);
    limit = undefined;
    await log.append({ n: 3 });
    await log.close();
    const parsed = parseJsonLines(readFileSync(file, 'utf8'));
    expect(parsed.records.map((r) => r.value)).toEqual([{ n: 1 }, { n: 3 }]);
    expect(parsed.skipped).toEqual([{ line: 2, reason: expect.stringMatching(/not valid JSON/) }]);
  });

  it('adds no blank line when a failed write wrote nothing', async () => {
    let limit: number | undefined;
    const log = new AppendOnlyFile(file, faultyOpen({ chunk: 64, failAfter: () => limit }).open);
    await log.append({ n: 1 });
    limit = readFileSync(file).length;
    await expect(log.append({ n: 2 })).rejects.toThrow(/ENOSPC/);
    limit = undefined;
    await log.append({ n: 3 });
    await log.close();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":3}\n');
  });
});
