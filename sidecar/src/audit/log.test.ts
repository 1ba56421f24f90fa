import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenForAppend } from './append-only-file.js';
import { AuditLog } from './log.js';
import type { AuditDraft } from './types.js';

const draft = (over: Partial<AuditDraft> = {}): AuditDraft => ({
  action: 'a1',
  phase: 'accepted',
  target: 'swarm:web',
  who: 'alice',
  source: 'panel',
  reason: 'load',
  before: 1,
  after: 2,
  dryRun: false,
  ...over,
});

describe('AuditLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-audit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the alert-driven policy's newest kept state per target, live and dry-run apart, across a restart (scl25)", async () => {
    const kept = (perReplica: number) => ({ reference: { perReplica }, flood: { before: 2, at: 1 } });
    const log = new AuditLog(dir);
    const change = async (action: string, over: Partial<AuditDraft>, outcome: 'applied' | 'failed' = 'applied') => {
      await log.record(draft({ action, ...over }));
      await log.record(draft({ action, phase: outcome, ...over }));
    };
    await change('live', { kept: kept(25) });
    await change('dry', { kept: kept(20), dryRun: true });
    await change('failed', { kept: kept(10) }, 'failed');
    await change('manual', {});
    await change('other', { target: 'swarm:other', kept: kept(5) });
    const ids = (k: Awaited<ReturnType<AuditLog['keptFor']>>) => [k.live?.id ?? null, k.any?.id ?? null];
    expect(ids(await log.keptFor('swarm:web'))).toEqual(['live', 'dry']);
    expect((await log.keptFor('swarm:web')).live?.kept).toEqual(kept(25));
    await log.close();
    const reopened = new AuditLog(dir);
    expect(ids(await reopened.keptFor('swarm:web'))).toEqual(['live', 'dry']);
    expect(ids(await reopened.keptFor('swarm:none'))).toEqual([null, null]);
    // The index's actions hold it; GET /api/v1/audit serialises them through AuditPageSchema, which has no `kept`.
    expect((await reopened.page({ offset: 0, limit: 10 })).items.some((a) => 'kept' in a)).toBe(true);
    await reopened.close();
  });

  it('writes one JSON line per entry and reads them back after a restart', async () => {
    const log = new AuditLog(dir);
    await log.record(draft());
    await log.record(draft({ phase: 'applied' }));
    await log.close();
    const lines = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).phase)).toEqual(['accepted', 'applied']);

    const reopened = new AuditLog(dir);
    const page = await reopened.page({ offset: 0, limit: 10 });
    expect(page.items).toEqual([expect.objectContaining({ id: 'a1', status: 'applied', who: 'alice' })]);
    await reopened.close();
  });

  it('shows its own running action as in_progress and, after a restart, as unfinished', async () => {
    const log = new AuditLog(dir);
    await log.record(draft());
    expect((await log.get('a1'))?.status).toBe('in_progress');
    await log.close();
    const reopened = new AuditLog(dir);
    expect((await reopened.get('a1'))?.status).toBe('unfinished');
    await reopened.close();
  });

  it('starts a fresh line after a torn one so the next entry stays readable', async () => {
    const file = path.join(dir, 'audit.jsonl');
    appendFileSync(file, `${JSON.stringify({ v: 1, ...draft(), at: new Date().toISOString() })}\n{"v":1,"act`);
    const log = new AuditLog(dir);
    await log.record(draft({ phase: 'failed', detail: 'restarted' }));
    await log.close();
    const reopened = new AuditLog(dir);
    const page = await reopened.page({ offset: 0, limit: 10 });
    expect(page.items[0]).toMatchObject({ id: 'a1', status: 'failed', detail: 'restarted' });
    expect(page.skipped).toEqual([{ line: 2, reason: expect.stringMatching(/not valid JSON/) }]);
    await reopened.close();
  });

  it('shows an action whose outcome could not be written as unfinished, not in_progress', async () => {
    let failWrites = false;
    // Fault injection: every write fails while failWrites is set (a full disk, say).
    const openFile: OpenForAppend = async (file) => {
      const real = await open(file, 'a+');
      return {
        write: async (buffer, offset, length) => {
          if (failWrites) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          return real.write(buffer, offset, length);
        },
        read: (buffer, offset, length, position) => real.read(buffer, offset, length, position),
        stat: () => real.stat(),
        sync: () => real.sync(),
        close: () => real.close(),
      };
    };
    const log = new AuditLog(dir, { openFile });
    await log.record(draft());
    failWrites = true;
    await expect(log.record(draft({ phase: 'applied' }))).rejects.toThrow(/ENOSPC/);
    // What the file says, and what a restart would say.
    expect((await log.get('a1'))?.status).toBe('unfinished');
    failWrites = false;
    await log.close();
    const reopened = new AuditLog(dir);
    expect((await reopened.get('a1'))?.status).toBe('unfinished');
    await reopened.close();
  });

  it('pages newest first and filters by target and status', async () => {
    const log = new AuditLog(dir);
    for (let i = 0; i < 5; i += 1) {
      await log.record(draft({ action: `x${i}`, phase: 'refused', target: i % 2 ? 'swarm:a' : 'swarm:b' }));
    }
    const page = await log.page({ offset: 1, limit: 2 });
    expect(page.total).toBe(5);
    expect(page.items.map((a) => a.id)).toEqual(['x3', 'x2']);
    const filtered = await log.page({ offset: 0, limit: 10, target: 'swarm:a', status: 'refused' });
    expect(filtered.items.map((a) => a.id)).toEqual(['x3', 'x1']);
    await log.close();
  });

  it('keeps writes in order when many are issued at once', async () => {
    const log = new AuditLog(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.record(draft({ action: `c${i}`, phase: 'held' }))));
    await log.close();
    const ids = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).action);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`));
  });
});
