/**
 * NAB timestamps ("2014-04-10 00:04:00", labels add ".000000") carry no zone. They are read as
 * UTC so that the same text always maps to the same instant, whatever the machine's zone is.
 */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** Unix seconds of a NAB timestamp; throws naming the text when it is not one. */
export function parseNabTimestamp(text: string): number {
  const match = PATTERN.exec(text.trim());
  if (!match) throw new Error(`not a timestamp: "${text}"`);
  const [, y, mo, d, h, mi, s, frac] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(d)) throw new Error(`not a calendar date: "${text}"`);
  return ms / 1000 + (frac ? Number(`0.${frac}`) : 0);
}

/** The median gap between consecutive timestamps: robust to NAB's irregular and gappy files. */
export function medianStepSeconds(timestamps: ReadonlyArray<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < timestamps.length; i += 1) {
    const gap = timestamps[i]! - timestamps[i - 1]!;
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) throw new Error('need at least two increasing timestamps to find the step');
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}
