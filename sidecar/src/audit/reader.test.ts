import { ActionIndex, parseJsonLines, readAuditText } from './reader.js';
import type { AuditEntry } from './types.js';

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    v: 1,
    action: 'a1',
    phase: 'accepted',
    at: '2024-05-01T12:00:00.000Z',
    target: 'compose:shop:web',
    who: 'api',
    source: 'api',
    reason: 'test',
    before: 1,
    after: 3,
    dryRun: false,
    ...over,
  };
}

const line = (e: AuditEntry): string => `${JSON.stringify(e)}\n`;

describe('parseJsonLines', () => {
  it('skips a torn final line and says the writer stopped mid-line', () => {
    const text = `${line(entry({}))}{"v":1,"action":"a2","pha`;
    const { records, skipped } = parseJsonLines(text);
    expect(records).toHaveLength(1);
    expect(skipped).toEqual([{ line: 2, reason: expect.stringMatching(/torn final line/) }]);
  });

  it('reports a damaged line in the middle by its number without losing the lines after it', () => {
    const text = `${line(entry({}))}garbage\n${line(entry({ phase: 'applied' }))}`;
    const { records, skipped } = parseJsonLines(text);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(skipped).toEqual([{ line: 2, reason: expect.stringMatching(/not valid JSON/) }]);
  });

  it('reads an empty file as no records', () => {
    expect(parseJsonLines('')).toEqual({ records: [], skipped: [] });
  });
});

describe('readAuditText', () => {
  it('folds accepted + applied into one applied action with both times', () => {
    const text =
      line(entry({})) + line(entry({ phase: 'applied', at: '2024-05-01T12:00:02.000Z', after: 3, notes: ['x'] }));
    const [action] = readAuditText(text).index.actions();
    expect(action).toMatchObject({
      id: 'a1',
      status: 'applied',
      before: 1,
      after: 3,
      acceptedAt: '2024-05-01T12:00:00.000Z',
      finishedAt: '2024-05-01T12:00:02.000Z',
      notes: ['x'],
    });
  });

  it('shows an accepted entry without outcome as unfinished, even when the crash tore the next line', () => {
    const text = `${line(entry({}))}{"v":1,"action":"a1","phase":"app`;
    const result = readAuditText(text);
    expect(result.index.actions()).toEqual([expect.objectContaining({ id: 'a1', status: 'unfinished' })]);
    expect(result.skipped).toHaveLength(1);
  });

  it('shows an accepted action that is running in this process as in_progress', () => {
    const { index } = readAuditText(line(entry({})));
    expect(index.actions(new Set(['a1']))[0]?.status).toBe('in_progress');
  });

  it('records an outcome-only action (refused before acting) with its detail', () => {
    const text = line(
      entry({ action: 'r1', phase: 'refused', before: 5, after: 5, detail: 'above max', errorCode: 'LIMIT_EXCEEDED' }),
    );
    expect(readAuditText(text).index.actions()[0]).toMatchObject({
      id: 'r1',
      status: 'refused',
      detail: 'above max',
      errorCode: 'LIMIT_EXCEEDED',
    });
  });

  it('keeps a failed action with what was really reached', () => {
    const text = line(entry({})) + line(entry({ phase: 'failed', after: 2, detail: 'engine said no' }));
    expect(readAuditText(text).index.actions()[0]).toMatchObject({ status: 'failed', before: 1, after: 2 });
  });

  it('rejects lines that parse but are not audit entries', () => {
    const result = readAuditText('{"v":2}\n{"v":1,"action":"x"}\n');
    expect(result.entries).toHaveLength(0);
    expect(result.skipped.map((s) => s.line)).toEqual([1, 2]);
  });
});

describe('ActionIndex.lastChangeAt', () => {
  it('counts only applied changes, separating live from dry-run ones', () => {
    const index = new ActionIndex();
    const t = (s: number) => new Date(Date.UTC(2024, 4, 1, 12, 0, s)).toISOString();
    index.add(entry({ action: 'live', at: t(0) }));
    index.add(entry({ action: 'live', phase: 'applied', at: t(1) }));
    index.add(entry({ action: 'dry', at: t(10), dryRun: true }));
    index.add(entry({ action: 'dry', phase: 'applied', at: t(11), dryRun: true }));
    index.add(entry({ action: 'noop', phase: 'applied', at: t(20), before: 3, after: 3 }));
    index.add(entry({ action: 'bad', at: t(30) }));
    index.add(entry({ action: 'bad', phase: 'failed', at: t(31) }));
    expect(index.lastChangeAt('compose:shop:web', false)).toBe(Date.parse(t(0)));
    expect(index.lastChangeAt('compose:shop:web', true)).toBe(Date.parse(t(10)));
    expect(index.lastChangeAt('compose:other:x', true)).toBeNull();
  });

  it('names the newest action of a target as its last action', () => {
    const index = new ActionIndex();
    index.add(entry({ action: 'one' }));
    index.add(entry({ action: 'two', phase: 'held', before: 1, after: 1 }));
    expect(index.latestFor('compose:shop:web')?.id).toBe('two');
  });
});
