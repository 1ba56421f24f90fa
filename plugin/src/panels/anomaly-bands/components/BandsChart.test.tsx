import { tickLabels } from './BandsChart';

describe('tickLabels', () => {
  it('adds decimals until neighbouring ticks read differently', () => {
    const round = (v: number) => v.toFixed(0);
    const fixed = (v: number, d: number) => v.toFixed(d);
    expect(tickLabels([0.9, 0.95, 1, 1.05], round, fixed)).toEqual(['0.90', '0.95', '1.00', '1.05']);
    expect(tickLabels([0, 500, 1000], round, fixed)).toEqual(['0', '500', '1000']);
  });
});
