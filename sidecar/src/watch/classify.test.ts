import { attackEvidence, ATTACK_THRESHOLDS, classify, type SignalReadings } from './classify.js';

const at = (current: number, baseline: number) => ({ current, baseline });

describe('attack-aware classification', () => {
  it('calls a packet rate rising much faster than the byte rate a small-packet flood', () => {
    const readings: SignalReadings = { packets: at(8000, 1000), bytes: at(1_300_000, 1_000_000) };
    const result = classify('spike', 1, readings);
    expect(result.kind).toBe('attack_suspected');
    expect(result.reasons).toEqual(['packets x8.0 vs bytes x1.3 (small-packet flood)']);
  });

  it('keeps a proportional rise of packets and bytes organic', () => {
    const readings: SignalReadings = { packets: at(8000, 1000), bytes: at(8_000_000, 1_000_000) };
    expect(classify('sustained', 1, readings)).toEqual({ kind: 'sustained', reasons: [] });
  });

  it('needs the packet rate to at least triple before it votes', () => {
    // x2.9 packets with flat bytes: the mean packet size fell, but the rise is too small to page on.
    const readings: SignalReadings = { packets: at(2900, 1000), bytes: at(1_000_000, 1_000_000) };
    expect(classify('spike', 1, readings).kind).toBe('spike');
    expect(classify('spike', 1, { ...readings, packets: at(3000, 1000) }).kind).toBe('attack_suspected');
  });

  it('does not blow up a near-idle baseline into a huge ratio', () => {
    // 2 -> 40 packets/s is x20 against the raw baseline but x4 against the floor of 10/s, with bytes x3.5.
    const readings: SignalReadings = { packets: at(40, 2), bytes: at(3584, 100) };
    expect(attackEvidence(readings)).toEqual([]);
  });

  it('treats SYN cookies and listen drops above baseline as a SYN flood', () => {
    expect(classify('spike', 1, { syncookies_sent: at(250, 0) }).reasons).toEqual([
      'SYN cookies sent +250.0/s (SYN queue overflowing)',
    ]);
    expect(classify('spike', 1, { listen_drops: at(40, 5) }).kind).toBe('attack_suspected');
    // A steady trickle of drops that was already there is not new evidence.
    expect(classify('spike', 1, { listen_drops: at(12, 8) }).kind).toBe('spike');
  });

  it('calls many new connections carrying little data a connection flood', () => {
    const flood: SignalReadings = { passive_opens: at(600, 100), bytes: at(1_100_000, 1_000_000) };
    expect(classify('spike', 1, flood).reasons).toEqual(['TCP passive opens x6.0 vs bytes x1.1 (connection flood)']);
    const organic: SignalReadings = { passive_opens: at(600, 100), bytes: at(5_500_000, 1_000_000) };
    expect(classify('spike', 1, organic).kind).toBe('spike');
  });

  it('flags a request spike that distinct sources do not follow', () => {
    const few: SignalReadings = { requests: at(500, 50), sources: at(22, 20) };
    expect(classify('spike', 1, few)).toEqual({
      kind: 'attack_suspected',
      reasons: ['requests x10.0 vs distinct sources x1.1 (few sources, many requests)'],
    });
    // Ten times the requests from ten times the users is a busy day, not an attack.
    const many: SignalReadings = { requests: at(500, 50), sources: at(200, 20) };
    expect(classify('spike', 1, many).kind).toBe('spike');
  });

  it('flags a request flood from a swarm of new sources each sending far less than a user does', () => {
    // The demo's flood: x16 requests from x300 sources (each "user" at a twentieth of the usual pace).
    const swarm: SignalReadings = { requests: at(400, 25), sources: at(15000, 50) };
    expect(classify('sustained', 1, swarm)).toEqual({
      kind: 'attack_suspected',
      reasons: ['requests x16.0 vs distinct sources x300.0 (many new sources, few requests each)'],
    });
    // Exactly a third of the usual per-source pace is the threshold.
    expect(classify('spike', 1, { requests: at(300, 100), sources: at(90, 10) }).kind).toBe('attack_suspected');
    expect(classify('spike', 1, { requests: at(300, 100), sources: at(89, 10) }).kind).toBe('spike');
  });

  it('does not call a many-source rise an attack before requests have tripled', () => {
    // Sources counted over a minute react before a one-minute request rate does; the request rise must lead.
    expect(classify('spike', 1, { requests: at(52, 25), sources: at(1900, 50) }).kind).toBe('spike');
  });

  it('keeps a swarm of sources without a request rise organic', () => {
    expect(attackEvidence({ requests: at(30, 25), sources: at(15000, 50) })).toEqual([]);
  });

  it('never calls a drop an attack', () => {
    const readings: SignalReadings = {
      packets: at(8000, 1000),
      bytes: at(100, 1_000_000),
      syncookies_sent: at(500, 0),
    };
    expect(classify('drop', -1, readings)).toEqual({ kind: 'drop', reasons: [] });
    expect(classify('level_shift', -1, readings).kind).toBe('level_shift');
  });

  it("keeps the detector's kind when no signal is exported, and names one when it has none", () => {
    expect(classify('level_shift', 1, {}).kind).toBe('level_shift');
    expect(classify(null, 1, {}).kind).toBe('spike');
    expect(classify(null, -1, {}).kind).toBe('drop');
  });

  it('lets a signal without both halves abstain', () => {
    // Packets alone cannot tell a flood from a download: the byte rate is needed.
    expect(classify('spike', 1, { packets: at(8000, 1000) }).kind).toBe('spike');
    expect(classify('spike', 1, { requests: at(500, 50) }).kind).toBe('spike');
  });

  it('reports every rule that fired', () => {
    const readings: SignalReadings = {
      packets: at(8000, 1000),
      bytes: at(1_000_000, 1_000_000),
      syncookies_sent: at(50, 0),
      listen_drops: at(30, 0),
    };
    expect(attackEvidence(readings)).toHaveLength(3);
  });

  it('takes other thresholds when given', () => {
    const readings: SignalReadings = { packets: at(2000, 1000), bytes: at(1_000_000, 1_000_000) };
    expect(classify('spike', 1, readings).kind).toBe('spike');
    expect(classify('spike', 1, readings, { ...ATTACK_THRESHOLDS, floodPacketRise: 1.5 }).kind).toBe(
      'attack_suspected',
    );
  });
});
