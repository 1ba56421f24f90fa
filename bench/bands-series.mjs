/** The bench's synthetic traffic and its accuracy measure; shared by bands.mjs and bands-peers.mjs. */

/** xorshift32: reproducible noise for a seed, no dependency. */
function uniformFrom(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
}

/**
 * Request-rate-like traffic at `stepSeconds`: a daily cycle with a second harmonic, quieter
 * weekends, and AR(1) noise (traffic noise is autocorrelated, which is what ARIMA is for).
 */
export function generateTraffic(count, stepSeconds, start, seed) {
  const uniform = uniformFrom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const values = new Array(count);
  let noise = 0;
  for (let i = 0; i < count; i++) {
    const t = start + i * stepSeconds;
    const day = (2 * Math.PI * (t % 86400)) / 86400;
    const weekday = Math.floor(t / 86400 + 4) % 7; // 1970-01-01 was a Thursday
    const weekend = weekday === 0 || weekday === 6 ? 0.8 : 1;
    noise = 0.6 * noise + 20 * gaussian();
    values[i] = weekend * (1000 + 400 * Math.sin(day) + 120 * Math.sin(2 * day + 1)) + noise;
  }
  return values;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): forecast MAE over the MAE of the in-sample
 * (seasonal, lag m) naive forecast. Below 1 beats the naive forecast.
 */
export function mase(train, test, forecast, m = 1) {
  let naive = 0;
  for (let i = m; i < train.length; i++) naive += Math.abs(train[i] - train[i - m]);
  naive /= train.length - m;
  let error = 0;
  for (let i = 0; i < test.length; i++) error += Math.abs(test[i] - forecast[i]);
  return error / test.length / naive;
}
