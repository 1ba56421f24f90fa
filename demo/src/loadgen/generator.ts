import { Counter, Gauge, Registry } from 'prom-client';
import type { LoadgenConfig } from './config.js';
import { Pacer } from './pacer.js';
import {
  type AttackProfile,
  type Plan,
  type ProfileName,
  type Stage,
  type Transport,
  checkAttack,
  plan,
} from './profiles.js';
import { pickSource } from './pseudo-sources.js';
import type { Outcome } from './sender.js';

/** What the generator needs from the network; the real one is `Sender`, tests pass their own. */
export interface RequestSender {
  send(transport: Transport, source: string): Promise<Outcome>;
  close(): void;
}

export interface Status {
  profile: ProfileName;
  stage: Stage;
  /** Planned rate after the global cap. */
  rps: number;
  sources: number;
  transport: Transport;
  /** ISO time the running attack began, if one is running. */
  attackStartedAt: string | undefined;
  stageRemainingSeconds: number | undefined;
  inFlight: number;
  sent: number;
  dropped: number;
  outcomes: Record<Outcome, number>;
}

const STAGES: Stage[] = ['normal', 'flood', 'small-packet'];

/**
 * Plays the current profile against the target: every tick it plans a rate, sends that many
 * requests from pseudo-sources, and counts how they went. Open loop with a bound: when
 * `maxInFlight` requests are outstanding, new ones are dropped (and counted) rather than queued.
 */
export class Generator {
  readonly registry = new Registry();
  private attack: AttackProfile;
  private attackStartedAt: number | undefined;
  private readonly pacer = new Pacer();
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private inFlight = 0;
  private sent = 0;
  private dropped = 0;
  private readonly outcomes: Record<Outcome, number> = { ok: 0, http_error: 0, error: 0, timeout: 0 };
  private current: Plan;
  /** Jitter is held for a second at a time: per-tick noise would average out before any scrape saw it. */
  private jitter = 0;
  private jitterSecond = -1;
  private readonly requests: Counter<'stage' | 'outcome'>;
  private readonly targetRps: Gauge;
  private readonly stageGauge: Gauge<'stage'>;
  private readonly attackStarted: Gauge;
  private readonly inFlightGauge: Gauge;

  constructor(
    private readonly config: LoadgenConfig,
    private readonly sender: RequestSender,
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.attack = { ...config.attack };
    this.requests = new Counter({
      name: 'loadgen_requests_total',
      help: 'Requests the generator sent or dropped, by attack stage and outcome (dropped: over the in-flight bound).',
      labelNames: ['stage', 'outcome'] as const,
      registers: [this.registry],
    });
    this.targetRps = new Gauge({
      name: 'loadgen_target_rps',
      help: 'Requests per second the current profile asks for, after the global cap.',
      registers: [this.registry],
    });
    this.stageGauge = new Gauge({
      name: 'loadgen_stage',
      help: '1 for the stage being played (normal, flood, small-packet), 0 for the others.',
      labelNames: ['stage'] as const,
      registers: [this.registry],
    });
    this.attackStarted = new Gauge({
      name: 'loadgen_attack_started_timestamp_seconds',
      help: 'Unix time the running attack began; 0 when none runs. Detection delay is measured from it.',
      registers: [this.registry],
    });
    this.inFlightGauge = new Gauge({
      name: 'loadgen_requests_in_flight',
      help: 'Requests or tiny connections sent and not yet finished.',
      registers: [this.registry],
    });
    this.lastTick = this.clock();
    if (config.initialProfile === 'attack') this.attackStartedAt = this.clock() / 1000;
    this.current = this.planNow();
    this.publish();
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = this.clock();
    this.timer = setInterval(() => this.tick(), this.config.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sender.close();
  }

  /** Switches profile at once. `attack` restarts the attack from its first stage, with optional overrides. */
  setProfile(profile: ProfileName, overrides: Partial<AttackProfile> = {}): Status {
    if (profile === 'attack') {
      const next = { ...this.config.attack, ...overrides };
      checkAttack(next);
      this.attack = next;
      this.attackStartedAt = this.clock() / 1000;
    } else {
      this.attackStartedAt = undefined;
    }
    this.pacer.reset();
    this.current = this.planNow();
    this.publish();
    this.log(`profile ${profile} (stage ${this.current.stage}, ${this.current.rps.toFixed(1)} rps)`);
    return this.status();
  }

  status(): Status {
    return {
      profile: this.current.profile,
      stage: this.current.stage,
      rps: this.current.rps,
      sources: this.current.sources,
      transport: this.current.transport,
      attackStartedAt:
        this.attackStartedAt === undefined ? undefined : new Date(this.attackStartedAt * 1000).toISOString(),
      stageRemainingSeconds: this.current.stageRemainingSeconds,
      inFlight: this.inFlight,
      sent: this.sent,
      dropped: this.dropped,
      outcomes: { ...this.outcomes },
    };
  }

  /** One tick: plan, then send what is due. Public so tests can step time by hand. */
  tick(): void {
    const now = this.clock();
    // A stalled event loop must not turn into a catch-up burst: a tick covers at most one second.
    const dt = Math.min(1, Math.max(0, (now - this.lastTick) / 1000));
    this.lastTick = now;
    const previousStage = this.current.stage;
    this.current = this.planNow();
    if (this.attackStartedAt !== undefined && this.current.profile === 'normal') {
      this.attackStartedAt = undefined;
      this.log('attack finished; back to the normal profile');
    } else if (this.current.stage !== previousStage) {
      this.log(`stage ${this.current.stage} (${this.current.rps.toFixed(1)} rps from ${this.current.sources} sources)`);
    }
    this.publish();

    const due = this.pacer.take(this.current.rps, dt);
    const room = Math.max(0, this.config.maxInFlight - this.inFlight);
    const sending = Math.min(due, room);
    if (due > sending) {
      this.dropped += due - sending;
      this.requests.inc({ stage: this.current.stage, outcome: 'dropped' }, due - sending);
    }
    for (let i = 0; i < sending; i++) this.sendOne(this.current);
  }

  private sendOne(current: Plan): void {
    this.inFlight++;
    this.sent++;
    this.inFlightGauge.set(this.inFlight);
    const stage = current.stage;
    void this.sender.send(current.transport, pickSource(current, this.random())).then((outcome) => {
      this.inFlight--;
      this.inFlightGauge.set(this.inFlight);
      this.outcomes[outcome]++;
      this.requests.inc({ stage, outcome });
    });
  }

  private planNow(): Plan {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.jitterSecond) {
      this.jitterSecond = second;
      this.jitter = this.random() * 2 - 1;
    }
    const planned = plan({
      normal: this.config.normal,
      attack: this.attack,
      nowSeconds: this.clock() / 1000,
      attackStartedAt: this.attackStartedAt,
      jitter: this.jitter,
    });
    return { ...planned, rps: Math.min(planned.rps, this.config.rateCap) };
  }

  private publish(): void {
    this.targetRps.set(this.current.rps);
    for (const stage of STAGES) this.stageGauge.set({ stage }, stage === this.current.stage ? 1 : 0);
    this.attackStarted.set(this.attackStartedAt ?? 0);
  }
}
