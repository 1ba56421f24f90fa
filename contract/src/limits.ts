/** The limits every side checks the same way: band confidence and explicit ARIMA orders. */

/** Nominal coverage of a band: below 0.8 a band flags too much; above 0.999 its edge is mostly model error. */
export const CONFIDENCE = { min: 0.8, max: 0.999, default: 0.95 } as const;

/** An explicit ARIMA order; "auto" lets the sidecar choose. */
export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
}

/** Highest p, d and q: beyond these the fit is slow and rarely better on traffic. */
export const ARIMA_ORDER_MAX: Readonly<ArimaOrder> = { p: 5, d: 2, q: 5 };

/** "p 0..5, d 0..2, q 0..5": how every message states the limits. */
export const ARIMA_ORDER_RANGE = `p 0..${ARIMA_ORDER_MAX.p}, d 0..${ARIMA_ORDER_MAX.d}, q 0..${ARIMA_ORDER_MAX.q}`;

/** What is wrong with an order, or undefined when it is within the limits. */
export function arimaOrderProblem(order: ArimaOrder): string | undefined {
  const { p, d, q } = order;
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  if (ok(p, ARIMA_ORDER_MAX.p) && ok(d, ARIMA_ORDER_MAX.d) && ok(q, ARIMA_ORDER_MAX.q)) return undefined;
  return `ARIMA order ${p},${d},${q} is outside ${ARIMA_ORDER_RANGE}`;
}

/** "2,1,1" -> {p: 2, d: 1, q: 1}; throws with the reason when the text is not a valid order. */
export function parseArimaOrder(text: string): ArimaOrder {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`ARIMA order "${text}" is not "p,d,q" (e.g. 2,1,1)`);
  const order = { p: Number(match[1]), d: Number(match[2]), q: Number(match[3]) };
  const problem = arimaOrderProblem(order);
  if (problem) throw new Error(problem);
  return order;
}
