import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from './log.js';
import { readAuditText, withLiveStatus } from './reader.js';
import type { ActionStatus, AuditDraft, AuditPhase } from './types.js';

const TARGETS = ['swarm:a', 'swarm:b', 'compose:shop:web'];

/**
 * Writes a log the way concurrent requests do: actions on different targets overlap (an accepted
 * entry, others' entries, then its outcome), some are outcome-only (refused, held), one crashed
 * half-way (accepted, never finished), and the last one is still running.
 */
async function writeHistory(log: AuditLog, actions: number): Promise<void> {
  const draft = (i: number, phase: AuditPhase): AuditDraft => ({
    action: `act${String(i).padStart(4, '0')}`,
    phase,
    target: TARGETS[i % TARGETS.length]!,
    who: i % 2 ? 'alice' : 'api',
    source: i % 2 ? 'panel' : 'api',
    reason: `step ${i}`,
    before: i % 5,
    after: (i % 5) + 1,
    dryRun: i % 7 === 0,
  });
  const open: number[] = [];
  for (let i = 0; i < actions; i++) {
    if (i % 4 === 3) {
      await log.record(draft(i, i % 8 === 3 ? 'refused' : 'held'));
    } else {
      await log.record(draft(i, 'accepted'));
      open.push(i);
    }
    // Finish the action accepted two steps ago: outcomes land after later actions began.
    if (open.length > 2) {
      const j = open.shift()!;
      if (j !== 10) await log.record(draft(j, j % 6 === 0 ? 'failed' : 'applied'));
    }
  }
  // All but the newest one finish; act0010 crashed half-way and never will.
  while (open.length > 1) await log.record(draft(open.shift()!, 'applied'));
}

describe('audit pages past the in-memory cap', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-audit-pages-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds at most maxActionsInMemory actions, and answers every page exactly as the whole log would', async () => {
    const writer = new AuditLog(dir, { maxActionsInMemory: 8 });
    await writeHistory(writer, 90);
    expect(writer.actionsInMemory).toBe(8);

    // The reference: the whole file folded in memory. The writer accepted its unfinished actions
    // itself, so to it they are in progress.
    const text = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    const folded = readAuditText(text).index.actions();
    const running = new Set(folded.filter((a) => a.status === 'unfinished').map((a) => a.id));
    expect([...running].sort()).toEqual(['act0010', 'act0089']);
    const all = folded.map((a) => withLiveStatus(a, running));
    const statuses = new Set(all.map((a) => a.status));
    expect([...statuses].sort()).toEqual(['applied', 'failed', 'held', 'in_progress', 'refused']);

    const queries: Array<{ target?: string; status?: ActionStatus; offset: number; limit: number }> = [];
    for (const target of [undefined, ...TARGETS]) {
      for (const status of [undefined, 'applied', 'failed', 'in_progress', 'held'] as const) {
        for (const [offset, limit] of [
          [0, 5],
          [3, 10],
          [20, 7],
          [80, 50],
          [200, 5],
        ] as const) {
          queries.push({ offset, limit, ...(target ? { target } : {}), ...(status ? { status } : {}) });
        }
      }
    }
    for (const query of queries) {
      const expected = all
        .filter((a) => query.target === undefined || a.target === query.target)
        .filter((a) => query.status === undefined || a.status === query.status)
        .reverse();
      const page = await writer.page(query);
      expect({ query, total: page.total, ids: page.items.map((a) => a.id) }).toEqual({
        query,
        total: expected.length,
        ids: expected.slice(query.offset, query.offset + query.limit).map((a) => a.id),
      });
      expect(page.items).toEqual(expected.slice(query.offset, query.offset + query.limit));
    }
    await writer.close();
    // After a restart the same actions are unfinished, from the file as from memory.
    const reopened = new AuditLog(dir, { maxActionsInMemory: 8 });
    const unfinished = await reopened.page({ status: 'unfinished', offset: 0, limit: 10 });
    expect(unfinished).toMatchObject({ total: 2, items: [{ id: 'act0089' }, { id: 'act0010' }] });
    await reopened.close();
  });

  it('counts an action that finishes after it left memory once, at its first place', async () => {
    const log = new AuditLog(dir, { maxActionsInMemory: 3 });
    const base = { who: 'api', source: 'api', reason: 'r', before: 1, after: 2, dryRun: false } as const;
    await log.record({ ...base, action: 'long', phase: 'accepted', target: 'swarm:a' });
    for (let i = 0; i < 5; i++) {
      await log.record({ ...base, action: `h${i}`, phase: 'held', target: i % 2 ? 'swarm:a' : 'swarm:b' });
    }
    await log.record({ ...base, action: 'long', phase: 'applied', target: 'swarm:a' });
    expect(log.actionsInMemory).toBe(3);
    // From memory (the newest two) and from the file (all): the same total, 'long' still oldest.
    expect(await log.page({ offset: 0, limit: 2 })).toMatchObject({ total: 6, items: [{ id: 'h4' }, { id: 'h3' }] });
    const all = await log.page({ offset: 0, limit: 10 });
    expect(all.total).toBe(6);
    expect(all.items.map((a) => [a.id, a.status])).toEqual([
      ['h4', 'held'],
      ['h3', 'held'],
      ['h2', 'held'],
      ['h1', 'held'],
      ['h0', 'held'],
      ['long', 'applied'],
    ]);
    expect(await log.page({ target: 'swarm:a', status: 'applied', offset: 0, limit: 1 })).toMatchObject({
      total: 1,
      items: [{ id: 'long' }],
    });
    expect((await log.latestFor('swarm:a'))?.id).toBe('long');
    await log.close();
  });

  it('pages by target from the file once there are more targets than it counts', async () => {
    const log = new AuditLog(dir, { maxActionsInMemory: 4 });
    const base = { who: 'api', source: 'api', reason: 'r', before: 1, after: 1, dryRun: false } as const;
    for (let i = 0; i < 12; i++) {
      await log.record({ ...base, action: `r${i}`, phase: 'refused', target: `swarm:nothing-${i % 6}` });
    }
    const page = await log.page({ target: 'swarm:nothing-5', offset: 0, limit: 1 });
    expect(page).toMatchObject({ total: 2, items: [{ id: 'r11' }] });
    expect((await log.page({ offset: 0, limit: 1 })).total).toBe(12);
    await log.close();
  });

  it('streams the file on start, keeping only the newest actions and the first unreadable lines', async () => {
    const writer = new AuditLog(dir);
    await writeHistory(writer, 40);
    await writer.close();
    appendFileSync(path.join(dir, 'audit.jsonl'), 'not json\n'.repeat(150));
    const reopened = new AuditLog(dir, { maxActionsInMemory: 5 });
    const page = await reopened.page({ offset: 0, limit: 100 });
    expect(reopened.actionsInMemory).toBe(5);
    expect(page.total).toBe(40);
    expect(page.skipped).toHaveLength(100);
    expect(page.items.filter((a) => a.status === 'unfinished').map((a) => a.id)).toEqual(['act0038', 'act0010']);
    await reopened.close();
  });
});
