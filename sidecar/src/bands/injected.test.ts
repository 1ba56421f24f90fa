/**
 * A bands answer over a known series with injected anomalies, through the real models (fitted
 * inline): every injected anomaly is flagged with its kind, and no normal point is. Before the
 * bands path withheld an excursion's points from the model, the one-step band learned each spike
 * and sat above the data for a while after it, and normal points there were flagged.
 */
import { atLeast, type SeriesBand } from '@ntma/contract';
import { InlinePool } from './__fixtures__/fakes.js';
import { PoolBandsEngine } from './pool-engine.js';
import { BandsService } from './service.js';
import { FakePrometheus } from './__fixtures__/fakes.js';

const MINUTE = 60;
const HOUR = 3600;
const START = 1_700_000_000 - (1_700_000_000 % HOUR);
/** Six hours train, the next six are banded. */
const TRAIN_END = START + 6 * HOUR;
const END = START + 12 * HOUR;

/** Injected windows, (from, to] in unix seconds, and the kind the sidecar must name them. */
const INJECTED = [
  { kind: 'spike', from: TRAIN_END + HOUR, to: TRAIN_END + HOUR + 2 * MINUTE, factor: 4 },
  { kind: 'drop', from: TRAIN_END + 2 * HOUR, to: TRAIN_END + 2 * HOUR + 2 * MINUTE, factor: 0.1 },
  { kind: 'level_shift', from: TRAIN_END + 4 * HOUR, to: END, factor: 0.4 },
] as const;

/**
 * After a level shift's onset the band must have re-converged within this span: the ten minutes an
 * excursion is withheld (watch/detectors.ts WITHHOLD_SECONDS) plus as long again for the model to
 * follow the new level.
 */
const LEVEL_SHIFT_SETTLES_SECONDS = 20 * MINUTE;

/**
 * A slow daily cycle with bounded noise: uniform, so no normal point is a 3-sigma residual by chance
 * and a mark on one is the band's fault.
 */
function value(t: number): number {
  let noise = Math.sin(t * 12.9898) * 43758.5453;
  noise -= Math.floor(noise);
  const day = (2 * Math.PI * (t % 86400)) / 86400;
  const normal = 1000 + 400 * Math.sin(day) + 120 * Math.sin(2 * day + 1) + 30 * (noise - 0.5);
  const hit = INJECTED.find((a) => t > a.from && t <= a.to);
  return normal * (hit?.factor ?? 1);
}

/** Points the shipped dashboards mark: outside the band at medium severity or more, with a kind. */
function marked(band: SeriesBand): number[] {
  return band.timestamps.filter((_, i) => band.anomaly[i] && band.kind[i] && atLeast(band.severity[i]!, 'medium'));
}

async function answer(): Promise<SeriesBand> {
  const service = new BandsService(
    new FakePrometheus([{ instance: 'h1' }], value),
    new PoolBandsEngine({ pool: new InlinePool().asPool() }),
  );
  const result = await service.forQuery({ query: 'rate(x[1m])', start: TRAIN_END, end: END, step: '1m', train: '6h' });
  return result.series[0]!;
}

describe('a bands answer over a series with an injected spike, drop and level shift', () => {
  let band: SeriesBand;
  beforeAll(async () => {
    band = await answer();
  }, 60_000);

  it.each(INJECTED.map((a) => [a.kind, a] as const))('flags the injected %s with its kind', (kind, injected) => {
    const kinds = band.timestamps.flatMap((t, i) =>
      t > injected.from && t <= injected.to && band.anomaly[i] ? [band.kind[i]] : [],
    );
    expect(kinds).toContain(kind);
  });

  it('flags no normal point, and re-converges on a level shift within twenty minutes of its onset', () => {
    const normal = marked(band).filter(
      (t) =>
        !INJECTED.some(
          (a) => t > a.from && t <= (a.kind === 'level_shift' ? a.from + LEVEL_SHIFT_SETTLES_SECONDS : a.to),
        ),
    );
    expect(normal.map((t) => new Date(t * 1000).toISOString())).toEqual([]);
  });
});
