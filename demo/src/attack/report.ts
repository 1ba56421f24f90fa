/**
 * Pure helpers for `npm run demo:attack`: pulling lists out of API answers whose exact shape
 * belongs to other parts, remembering what was already printed, and formatting lines.
 */

export type Labels = Record<string, string>;

/** A list from an API answer: the array itself, or the first array-valued field of an object. */
export function extractItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    for (const key of ['items', 'entries', 'anomalies', 'audit', 'data', 'results']) {
      if (Array.isArray(record[key])) return record[key] as unknown[];
    }
  }
  return [];
}

/**
 * Remembers items by their `id` and `status` (or their JSON when they have no id) and lets only new
 * ones through: an audit action seen `in_progress` is news again once it is `applied`.
 */
export class Seen {
  private readonly keys = new Set<string>();

  fresh(items: readonly unknown[]): unknown[] {
    const out: unknown[] = [];
    for (const item of items) {
      const key = keyOf(item);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      out.push(item);
    }
    return out;
  }

  get size(): number {
    return this.keys.size;
  }
}

function keyOf(item: unknown): string {
  if (typeof item === 'object' && item !== null) {
    const { id, status } = item as Record<string, unknown>;
    if (typeof id === 'string' || typeof id === 'number') return `id:${id}:${typeof status === 'string' ? status : ''}`;
  }
  return `json:${JSON.stringify(item)}`;
}

/** `{a="1", b="2"}` without `__name__`, labels sorted so the same series always prints the same. */
export function labelsText(labels: Labels): string {
  const parts = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `{${parts.join(', ')}}`;
}

/** Seconds since onset, signed and with one decimal: "+12.3s". */
export function sinceOnset(onsetMs: number, atMs: number): string {
  const seconds = (atMs - onsetMs) / 1000;
  return `${seconds >= 0 ? '+' : ''}${seconds.toFixed(1)}s`;
}

/** One line for an audit or decision entry, from whichever well-known fields it has. */
export function describeEntry(entry: unknown): string {
  if (typeof entry !== 'object' || entry === null) return JSON.stringify(entry);
  const e = entry as Record<string, unknown>;
  const parts: string[] = [];
  const pick = (...keys: string[]): unknown => keys.map((k) => e[k]).find((v) => v !== undefined && v !== null);
  const target = pick('target', 'targetId');
  const phase = pick('phase', 'status', 'state', 'outcome', 'result', 'decision');
  const before = pick('before', 'replicasBefore', 'from');
  const after = pick('after', 'replicasAfter', 'to');
  const dryRun = pick('dryRun');
  const source = pick('source');
  const reason = pick('reason', 'why', 'message');
  const detail = pick('detail');
  const who = pick('who');
  const kind = pick('kind');
  if (target !== undefined) parts.push(`target ${String(target)}`);
  if (phase !== undefined) parts.push(String(phase));
  if (before !== undefined || after !== undefined)
    parts.push(`replicas ${String(before ?? '?')} → ${String(after ?? '?')}`);
  if (dryRun === true) parts.push('(dry-run)');
  if (kind !== undefined) parts.push(`kind ${String(kind)}`);
  if (source !== undefined) parts.push(`from ${String(source)}`);
  if (who !== undefined) parts.push(`by ${String(who)}`);
  if (reason !== undefined) parts.push(`— ${String(reason)}`);
  if (detail !== undefined) parts.push(`(${String(detail)})`);
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(entry);
}
