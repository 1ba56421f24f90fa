import { auditStartupFindings } from './startup-report.js';
import type { AuditAction } from './types.js';

const action = (id: string): AuditAction => ({
  id,
  target: 'compose:shop:web',
  status: 'unfinished',
  who: 'api',
  source: 'api',
  reason: 'test',
  before: 1,
  after: 3,
  dryRun: false,
  acceptedAt: '2026-11-24T00:00:00.000Z',
});

describe('auditStartupFindings', () => {
  it('says nothing when every action finished and every line was read', () => {
    expect(auditStartupFindings({ items: [], total: 0, skipped: [] })).toEqual([]);
  });

  it('names the unfinished actions, their targets and the query to follow up with', () => {
    const [finding, ...rest] = auditStartupFindings({ items: [action('a1')], total: 1, skipped: [] });
    expect(rest).toEqual([]);
    expect(finding!.message).toMatch(/^1 scale action\(s\) were accepted but never finished/);
    expect(finding!.message).toContain('GET /api/v1/audit?status=unfinished');
    expect(finding!.details).toEqual({
      unfinished: [
        { id: 'a1', target: 'compose:shop:web', before: 1, after: 3, acceptedAt: '2026-11-24T00:00:00.000Z' },
      ],
    });
  });

  it('counts all unfinished actions even when only a page of them is listed, and reports unreadable lines', () => {
    const findings = auditStartupFindings({
      items: [action('a1')],
      total: 7,
      skipped: [{ line: 12, reason: 'Unexpected end of JSON input' }],
    });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^7 scale action\(s\)/),
      '1 audit log line(s) could not be read and were skipped',
    ]);
  });
});
