/**
 * What the autoscaler has seen of each target's demand lately, so scale-in can ask "did the last
 * stabilisation window stay low?" as Kubernetes' HPA does with its recommendations. A window with a
 * missing sample, or a hole longer than `maxGapMs` between samples, is not fully observed and
 * answers null: missing data never scales in. Attack-suspected samples count as observed but not
 * as demand. It also keeps what the model predicted for each sample, so the policy can see how far
 * the forecast has run off the traffic lately (forecast-bias.ts).
 */

interface Sample {
  t: number;
  value: number | null;
  attack: boolean;
  /** The model's one-step forecast of this sample; null when it had none. */
  predicted: number | null;
  /** An excursion (of any kind) was open on it: its error says nothing about the model's level. */
  excursion: boolean;
}

/** What the model predicted for a sample, and whether an excursion was open on it. */
export interface SampleContext {
  predicted?: number | null;
  excursion?: boolean;
}

export class DemandHistory {
  private readonly byTarget = new Map<string, Sample[]>();

  /** @param keepMs samples older than this are dropped (the longest stabilisation window in use). */
  constructor(private readonly keepMs: number = 3_600_000) {}

  /** A sample taken at `t` (ms); the same sample read twice (same `t`) is kept once. */
  record(target: string, t: number, value: number | null, attack: boolean, context: SampleContext = {}): void {
    const samples = this.byTarget.get(target) ?? [];
    const last = samples[samples.length - 1];
    if (last && t <= last.t) return;
    samples.push({ t, value, attack, predicted: context.predicted ?? null, excursion: context.excursion ?? attack });
    while (samples.length > 0 && samples[0]!.t < t - this.keepMs) samples.shift();
    this.byTarget.set(target, samples);
  }

  /** Highest organic value over (now - windowMs, now], or null when the window is not fully observed. */
  peak(target: string, now: number, windowMs: number, maxGapMs: number): number | null {
    const samples = this.byTarget.get(target);
    if (!samples || samples.length === 0) return null;
    const from = now - windowMs;
    let previous: number | null = null;
    let peak = Number.NEGATIVE_INFINITY;
    let coveredFrom: number | null = null;
    for (const sample of samples) {
      if (sample.t < from - maxGapMs) continue;
      if (sample.value === null) return null;
      if (previous !== null && sample.t - previous > maxGapMs) return null;
      coveredFrom ??= sample.t;
      previous = sample.t;
      if (sample.t >= from && !sample.attack) peak = Math.max(peak, sample.value);
    }
    if (previous === null || coveredFrom === null || coveredFrom > from || now - previous > maxGapMs) return null;
    return peak === Number.NEGATIVE_INFINITY ? 0 : peak;
  }

  /** The value of the sample just before the one at `t`, null when it is missing or absent. */
  previous(target: string, t: number): number | null {
    const samples = this.byTarget.get(target) ?? [];
    for (let i = samples.length - 1; i >= 0; i--) if (samples[i]!.t < t) return samples[i]!.value;
    return null;
  }

  /**
   * One-step errors (value - predicted) of the organic samples within (now - windowMs, now], oldest
   * first: samples under an excursion, missing ones and ones without a forecast are left out.
   */
  errors(target: string, now: number, windowMs: number): number[] {
    const samples = this.byTarget.get(target) ?? [];
    const out: number[] = [];
    for (const s of samples) {
      if (s.t <= now - windowMs || s.t > now || s.excursion || s.value === null || s.predicted === null) continue;
      out.push(s.value - s.predicted);
    }
    return out;
  }

  forget(target: string): void {
    this.byTarget.delete(target);
  }
}
