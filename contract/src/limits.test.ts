import { ARIMA_ORDER_MAX, arimaOrderProblem, parseArimaOrder } from './limits.js';

describe('ARIMA order limits', () => {
  it('accept orders within p, d, q maxima', () => {
    expect(parseArimaOrder(' 2, 1 ,1')).toEqual({ p: 2, d: 1, q: 1 });
    expect(arimaOrderProblem(ARIMA_ORDER_MAX)).toBeUndefined();
  });

  it('name the limits when an order passes them', () => {
    expect(() => parseArimaOrder('6,1,1')).toThrow('outside p 0..5, d 0..2, q 0..5');
    expect(() => parseArimaOrder('2,3,1')).toThrow('outside');
    expect(() => parseArimaOrder('2;1;1')).toThrow('is not "p,d,q"');
  });
});
