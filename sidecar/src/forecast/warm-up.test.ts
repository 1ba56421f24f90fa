import { warmUp } from './warm-up.js';

describe('worker warm-up', () => {
  it('runs a full fit, forecast and one-step pass without throwing, every time', () => {
    expect(() => warmUp()).not.toThrow();
    expect(() => warmUp()).not.toThrow();
  });
});
