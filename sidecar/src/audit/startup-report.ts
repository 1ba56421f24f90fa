import type { AuditPage } from './log.js';

/** What an operator must hear about the audit log when the sidecar starts; nothing when all is well. */
export interface StartupFinding {
  message: string;
  details: Record<string, unknown>;
}

/**
 * An action accepted but never finished means the sidecar stopped in the middle of changing a
 * target: its replicas may sit anywhere between before and after. Nobody retries it (acting again
 * on an old decision would be worse), so the operator has to look; saying so at start is the only
 * way they learn of it without polling the audit API. Unreadable lines are reported the same way.
 */
export function auditStartupFindings(unfinished: AuditPage): StartupFinding[] {
  const findings: StartupFinding[] = [];
  if (unfinished.total > 0) {
    findings.push({
      message:
        `${unfinished.total} scale action(s) were accepted but never finished (the sidecar stopped during them); ` +
        'check those targets’ replicas: GET /api/v1/audit?status=unfinished',
      details: {
        unfinished: unfinished.items.map((a) => ({
          id: a.id,
          target: a.target,
          before: a.before,
          after: a.after,
          acceptedAt: a.acceptedAt,
        })),
      },
    });
  }
  if (unfinished.skipped.length > 0) {
    findings.push({
      message: `${unfinished.skipped.length} audit log line(s) could not be read and were skipped`,
      details: { skipped: unfinished.skipped },
    });
  }
  return findings;
}
