/**
 * Attack-aware classification of an excursion. Pure: it sees the detector's own kind, the
 * direction of the excursion, and for each network signal its current value and its baseline
 * (the median just before the excursion opened). No I/O, so every rule is unit-tested with numbers.
 *
 * The rule. An excursion is `attack_suspected` when it goes UP and at least one of these holds
 * (all rates per second; a ratio is current / max(baseline, floor)):
 *
 * 1. Small-packet flood: packets ratio >= 3 and packets ratio >= 2 x bytes ratio. The packet rate
 *    tripled while the mean packet size at least halved: floods of SYNs, tiny UDP datagrams or
 *    ICMP look like this; organic load (downloads, pages) moves bytes and packets together.
 * 2. SYN flood:
 *    a. SYN cookies sent rose by >= 10/s over baseline. Linux only sends cookies when a listen
 *       queue overflows, which organic load rarely does; or
 *    b. listen drops rose by >= 10/s over baseline (connections refused at the SYN queue); or
 *    c. TCP passive opens ratio >= 5 and >= 3 x the bytes ratio: many new connections carrying
 *       little data (connection floods, half-open handshakes).
 * 3. Request flood whose clients do not behave like users: requests ratio >= 3 while the requests
 *    per distinct source moved 3x or more either way. Organic load is more users at the usual pace,
 *    so per-source rate stays put when requests rise. It rises when a few sources hammer (a flood
 *    from few sources); it falls when the source count jumps far beyond what the load explains:
 *    a botnet spreading its load thin over many addresses (or rotating spoofed ones) to stay under
 *    per-client limits. The second case is what a DDoS from many sources looks like here; only
 *    checking the first let such a flood read as "more of the same traffic".
 *
 * A signal that is not exported (or has no baseline yet) cannot vote; the excursion then keeps the
 * detector's kind. A drop is never called an attack: a collapse in traffic is reported as `drop`
 * and left to the outage alert. The thresholds are deliberately coarse: they separate "shape of
 * traffic changed" from "more of the same traffic"; the detector has already said it is unusual.
 */
import type { ExcursionKind } from '../detect/types.js';
import type { SignalRole } from './config.js';

export interface SignalReading {
  current: number;
  baseline: number;
}

export type SignalReadings = Partial<Record<SignalRole, SignalReading>>;

export interface AttackThresholds {
  floodPacketRise: number;
  floodPacketOverByte: number;
  synCookiesExcessPerSecond: number;
  listenDropsExcessPerSecond: number;
  passiveOpenRise: number;
  passiveOpenOverByte: number;
  requestRise: number;
  /** Factor by which requests per distinct source must move (up or down) when requests rise. */
  perSourceRise: number;
}

export const ATTACK_THRESHOLDS: Readonly<AttackThresholds> = Object.freeze({
  floodPacketRise: 3,
  floodPacketOverByte: 2,
  synCookiesExcessPerSecond: 10,
  listenDropsExcessPerSecond: 10,
  passiveOpenRise: 5,
  passiveOpenOverByte: 3,
  requestRise: 3,
  perSourceRise: 3,
});

/**
 * Baselines below these are raised to them before dividing, so a near-idle signal (2 packets/s
 * overnight) cannot produce an enormous ratio from a handful of extra packets.
 */
export const BASELINE_FLOORS: Readonly<Record<SignalRole, number>> = Object.freeze({
  bytes: 1024,
  packets: 10,
  requests: 1,
  sources: 1,
  passive_opens: 1,
  syncookies_sent: 0,
  listen_drops: 0,
});

export interface Classification {
  kind: ExcursionKind;
  /** Human-readable evidence, e.g. "packets x8.0 vs bytes x1.1 (small-packet flood)". */
  reasons: string[];
}

function ratio(readings: SignalReadings, role: SignalRole): number | undefined {
  const reading = readings[role];
  if (!reading || !Number.isFinite(reading.current) || !Number.isFinite(reading.baseline)) return undefined;
  return Math.max(0, reading.current) / Math.max(reading.baseline, BASELINE_FLOORS[role]);
}

function excess(readings: SignalReadings, role: SignalRole): number | undefined {
  const reading = readings[role];
  if (!reading || !Number.isFinite(reading.current) || !Number.isFinite(reading.baseline)) return undefined;
  return reading.current - Math.max(0, reading.baseline);
}

const x = (value: number): string => `x${value.toFixed(1)}`;

/** The attack evidence in `readings`, one reason per rule that fired (empty: looks organic). */
export function attackEvidence(readings: SignalReadings, thresholds: AttackThresholds = ATTACK_THRESHOLDS): string[] {
  const reasons: string[] = [];
  const packets = ratio(readings, 'packets');
  const bytes = ratio(readings, 'bytes');
  if (
    packets !== undefined &&
    bytes !== undefined &&
    packets >= thresholds.floodPacketRise &&
    packets >= thresholds.floodPacketOverByte * bytes
  ) {
    reasons.push(`packets ${x(packets)} vs bytes ${x(bytes)} (small-packet flood)`);
  }

  const cookies = excess(readings, 'syncookies_sent');
  if (cookies !== undefined && cookies >= thresholds.synCookiesExcessPerSecond) {
    reasons.push(`SYN cookies sent +${cookies.toFixed(1)}/s (SYN queue overflowing)`);
  }
  const drops = excess(readings, 'listen_drops');
  if (drops !== undefined && drops >= thresholds.listenDropsExcessPerSecond) {
    reasons.push(`listen drops +${drops.toFixed(1)}/s (connections refused)`);
  }
  const opens = ratio(readings, 'passive_opens');
  if (
    opens !== undefined &&
    bytes !== undefined &&
    opens >= thresholds.passiveOpenRise &&
    opens >= thresholds.passiveOpenOverByte * bytes
  ) {
    reasons.push(`TCP passive opens ${x(opens)} vs bytes ${x(bytes)} (connection flood)`);
  }

  const requests = ratio(readings, 'requests');
  const sources = ratio(readings, 'sources');
  if (requests !== undefined && sources !== undefined && requests >= thresholds.requestRise) {
    const perSource = requests / Math.max(sources, Number.EPSILON);
    if (perSource >= thresholds.perSourceRise) {
      reasons.push(`requests ${x(requests)} vs distinct sources ${x(sources)} (few sources, many requests)`);
    } else if (perSource * thresholds.perSourceRise <= 1) {
      reasons.push(`requests ${x(requests)} vs distinct sources ${x(sources)} (many new sources, few requests each)`);
    }
  }
  return reasons;
}

/**
 * The kind of an open excursion. `detectorKind` is what the detector said from the series alone
 * (null when it has not named it yet); `direction` is the sign of the excursion.
 */
export function classify(
  detectorKind: ExcursionKind | null,
  direction: 1 | -1,
  readings: SignalReadings,
  thresholds: AttackThresholds = ATTACK_THRESHOLDS,
): Classification {
  const organic: ExcursionKind =
    detectorKind !== null && detectorKind !== 'attack_suspected' ? detectorKind : direction > 0 ? 'spike' : 'drop';
  if (direction < 0) return { kind: organic, reasons: [] };
  const reasons = attackEvidence(readings, thresholds);
  return reasons.length > 0 ? { kind: 'attack_suspected', reasons } : { kind: organic, reasons };
}
