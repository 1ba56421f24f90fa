import { loadLoadgenConfig } from './config.js';
import { Generator, type RequestSender } from './generator.js';
import type { Transport } from './profiles.js';
import type { Outcome } from './sender.js';

/** Records what would have been sent and settles each request when the test says so. */
class FakeSender implements RequestSender {
  readonly sent: Array<{ transport: Transport; source: string; settle: (o: Outcome) => void }> = [];
  closed = false;
  send(transport: Transport, source: string): Promise<Outcome> {
    return new Promise((resolve) => this.sent.push({ transport, source, settle: resolve }));
  }
  close(): void {
    this.closed = true;
  }
}

function setup(env: Record<string, string> = {}) {
  const config = loadLoadgenConfig({
    LOADGEN_DAY_SECONDS: '100',
    LOADGEN_NORMAL_MIN_RPS: '10',
    LOADGEN_NORMAL_MAX_RPS: '10',
    LOADGEN_NOISE: '0',
    LOADGEN_FLOOD_SECONDS: '10',
    LOADGEN_FLOOD_RPS: '200',
    LOADGEN_SMALL_PACKET_SECONDS: '10',
    LOADGEN_SMALL_PACKET_RPS: '100',
    LOADGEN_SMALL_PACKET_SOURCES: '3',
    ...env,
  });
  let now = 1_000_000;
  const sender = new FakeSender();
  const lines: string[] = [];
  const generator = new Generator(
    config,
    sender,
    () => now,
    () => 0.5,
    (l) => lines.push(l),
  );
  const advance = (ms: number): void => {
    now += ms;
    generator.tick();
  };
  return { generator, sender, advance, lines, now: () => now };
}

describe('Generator', () => {
  it('sends the normal rate from user addresses over keep-alive', () => {
    const { generator, sender, advance } = setup();
    for (let i = 0; i < 10; i++) advance(100);
    expect(sender.sent).toHaveLength(10);
    expect(sender.sent.every((s) => s.transport === 'keep-alive' && s.source.startsWith('10.'))).toBe(true);
    expect(generator.status()).toMatchObject({ profile: 'normal', stage: 'normal', sent: 10, inFlight: 10 });
  });

  it('switches to the flood at once, then to tiny connections, then back to normal', async () => {
    const { generator, sender, advance, lines } = setup();
    const started = generator.setProfile('attack');
    expect(started).toMatchObject({ profile: 'attack', stage: 'flood' });
    expect(started.attackStartedAt).toBe(new Date(1_000_000).toISOString());

    advance(1000);
    expect(sender.sent).toHaveLength(200);
    expect(sender.sent[0]!.source.startsWith('100.')).toBe(true);

    for (const s of sender.sent) s.settle('ok');
    await new Promise((r) => setImmediate(r));
    advance(10000); // now 11 s into the attack: small-packet stage
    expect(generator.status().stage).toBe('small-packet');
    const before = sender.sent.length;
    advance(1000);
    const tiny = sender.sent.slice(before);
    expect(tiny.length).toBe(100);
    expect(tiny.every((s) => s.transport === 'tiny-connection')).toBe(true);
    expect(new Set(tiny.map((s) => s.source)).size).toBeLessThanOrEqual(3);

    advance(10000);
    expect(generator.status()).toMatchObject({ profile: 'normal', stage: 'normal', attackStartedAt: undefined });
    expect(lines.some((l) => l.includes('attack finished'))).toBe(true);
  });

  it('caps the rate at LOADGEN_RATE_CAP whatever the profile asks', () => {
    const { generator, sender, advance } = setup({ LOADGEN_RATE_CAP: '50' });
    generator.setProfile('attack');
    advance(1000);
    expect(generator.status().rps).toBe(50);
    expect(sender.sent).toHaveLength(50);
  });

  it('drops and counts requests beyond the in-flight bound instead of queueing them', async () => {
    const { generator, sender, advance } = setup({ LOADGEN_MAX_IN_FLIGHT: '30' });
    generator.setProfile('attack');
    advance(1000);
    expect(sender.sent).toHaveLength(30);
    expect(generator.status().dropped).toBe(170);
    for (const s of sender.sent) s.settle('ok');
    await new Promise((r) => setImmediate(r));
    expect(generator.status()).toMatchObject({
      inFlight: 0,
      outcomes: { ok: 30, http_error: 0, error: 0, timeout: 0 },
    });
    const metrics = await generator.registry.metrics();
    expect(metrics).toMatch(/loadgen_requests_total\{stage="flood",outcome="dropped"\} 170/);
    expect(metrics).toMatch(/loadgen_requests_total\{stage="flood",outcome="ok"\} 30/);
  });

  it('exports the attack onset and stage for Prometheus', async () => {
    const { generator } = setup();
    generator.setProfile('attack');
    const metrics = await generator.registry.metrics();
    expect(metrics).toContain('loadgen_attack_started_timestamp_seconds 1000');
    expect(metrics).toContain('loadgen_stage{stage="flood"} 1');
    expect(metrics).toContain('loadgen_stage{stage="normal"} 0');
    generator.setProfile('normal');
    expect(await generator.registry.metrics()).toContain('loadgen_attack_started_timestamp_seconds 0');
  });

  it('applies attack overrides and rejects bad ones naming the field', () => {
    const { generator, advance } = setup();
    generator.setProfile('attack', { floodSeconds: 1 });
    advance(1500);
    expect(generator.status().stage).toBe('small-packet');
    expect(() => generator.setProfile('attack', { floodSources: 0 })).toThrow(/floodSources/);
  });

  it('closes its sender on stop', () => {
    const { generator, sender } = setup();
    generator.start();
    generator.stop();
    expect(sender.closed).toBe(true);
  });
});
