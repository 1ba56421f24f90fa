/**
 * The `arima` package (ctsa compiled to WASM), reached through its own loader so that this
 * module holds the Emscripten instance and can read the fitted model's struct: the package's
 * JS API returns forecasts only, but the one-step predictor needs the coefficients, and the
 * struct also carries ctsa's return code, which the package never surfaces (a failed fit
 * otherwise shows up only as forecasts of 1e25).
 *
 * The struct layout is ctsa's `struct sarimax_set` on wasm32 (4-byte int and pointer, 8-byte
 * aligned double). Every read checks the order fields against what was asked, so a package
 * update that moves a field fails loudly instead of returning wrong coefficients.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { withoutChiinv } from './ctsa-patch.js';

/** An ARIMA order; seasonal terms are never requested (MSTL owns the season, and s >= 48 breaks ctsa). */
export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
}

/**
 * ctsa estimation methods. The package README calls 1 "CSS", but ctsa's `sarimax_exec` runs
 * exact ML (AS 154) from a zero start for 1 and pure conditional sum of squares for 2; 0 is CSS
 * followed by ML, the variant that diverges on long series.
 */
export const ArimaMethod = { CssThenMl: 0, Ml: 1, Css: 2 } as const;
export type ArimaMethod = (typeof ArimaMethod)[keyof typeof ArimaMethod];

/** Coefficients in R's sign convention: x_t = mean + sum(phi_i x_{t-i}) + e_t + sum(theta_j e_{t-j}). */
export interface ArimaCoefficients {
  order: ArimaOrder;
  phi: number[];
  theta: number[];
  /** Mean of the series (d = 0 only; ctsa fits no drift when d > 0). */
  mean: number;
  /** ctsa's innovation variance. */
  sigma2: number;
  /** ctsa's return code: 1 = probable success; 4 no convergence, 10 non-stationary AR, 15 Inf/NaN. */
  retval: number;
}

interface EmscriptenModule {
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
  cwrap(
    name: string,
    returns: 'number' | null,
    args: string[],
  ): (...args: Array<number | boolean | Uint8Array>) => number;
}

interface ArimaInstance {
  model: number | null;
  train(ts: ArrayLike<number>): ArimaInstance;
  predict(length: number): [number[], number[]];
  destroy(): void;
}

type ArimaConstructor = new (options: Record<string, number | boolean>) => ArimaInstance;

interface Runtime {
  module: EmscriptenModule;
  ARIMA: ArimaConstructor;
  /**
   * ctsa's `fit_sarimax` and `free_sarimax`, called directly for fits: the package's train() first copies
   * the series through a plain array (flattening it and forward-filling NaN, which checkInput has ruled
   * out), 3-4% of a short fit; the bytes ctsa receives are the same.
   */
  fitSarimax: (...args: Array<number | boolean | Uint8Array>) => number;
  freeSarimax: (handle: number) => number;
}

/** Above this length the package copies the series onto a too-small WASM stack and traps. */
export const ARIMA_MAX_POINTS = 8190;

let runtime: Runtime | undefined;

const require = createRequire(import.meta.url);
const packageDir = (): string => path.dirname(require.resolve('arima'));

/** The package's WASM as it ships: the same bytes as its base64 wrapper/native.bin.js, without decoding 280 kB of text. */
export function packageWasm(): Uint8Array {
  return readFileSync(path.join(packageDir(), 'wasm', 'native.wasm'));
}

/** Instantiated lazily, once per thread; dropped after a trap because the heap may be corrupt. */
function load(): Runtime {
  runtime ??= instantiate(withoutChiinv(packageWasm()).bytes);
  return runtime;
}

function instantiate(wasmBinary: Uint8Array): Runtime {
  const dir = packageDir();
  const factory = require(path.join(dir, 'wasm', 'native-sync.js')) as (options: object) => EmscriptenModule;
  const bind = require(path.join(dir, 'load.js')) as (m: EmscriptenModule) => ArimaConstructor;
  const module = factory({
    wasmBinary,
    // ctsa prints diagnostics with printf; they belong to no log of ours.
    print: () => undefined,
    printErr: () => undefined,
    // ctsa calls exit(-1) on bad input; Emscripten's default would set process.exitCode.
    quit: (_status: number, toThrow: Error) => {
      throw toThrow;
    },
  });
  const series = ['array', 'array', ...Array<string>(10).fill('number'), 'boolean'];
  return {
    module,
    ARIMA: bind(module),
    fitSarimax: module.cwrap('fit_sarimax', 'number', series),
    freeSarimax: module.cwrap('free_sarimax', null, ['number']),
  };
}

// Offsets in struct sarimax_set (wasm32).
const OFF = {
  N: 0,
  p: 16,
  d: 20,
  q: 24,
  s: 28,
  P: 32,
  D: 36,
  Q: 40,
  phi: 56,
  theta: 60,
  mean: 88,
  variance: 96,
  retval: 120,
} as const;

function readCoefficients(module: EmscriptenModule, handle: number, order: ArimaOrder, n: number): ArimaCoefficients {
  const i32 = module.HEAP32;
  const f64 = module.HEAPF64;
  const struct = i32[handle >> 2]!;
  const int = (offset: number): number => i32[(struct + offset) >> 2]!;
  const layoutOk =
    int(OFF.N) === n &&
    int(OFF.p) === order.p &&
    int(OFF.d) === order.d &&
    int(OFF.q) === order.q &&
    int(OFF.s) === 0 &&
    int(OFF.P) === 0 &&
    int(OFF.D) === 0 &&
    int(OFF.Q) === 0;
  if (!layoutOk)
    throw new Error('arima: unexpected model struct layout; the package version is not the one this code reads');
  const phiAt = int(OFF.phi) >> 3;
  const thetaAt = int(OFF.theta) >> 3;
  return {
    order,
    phi: Array.from(f64.subarray(phiAt, phiAt + order.p)),
    // ctsa stores MA terms with the Box-Jenkins sign (e_t - theta e_{t-1}).
    theta: Array.from(f64.subarray(thetaAt, thetaAt + order.q), (t) => -t),
    mean: order.d === 0 ? f64[(struct + OFF.mean) >> 3]! : 0,
    sigma2: f64[(struct + OFF.variance) >> 3]!,
    retval: int(OFF.retval),
  };
}

function checkInput(values: ArrayLike<number>, order: ArimaOrder): ArrayLike<number> {
  if (values.length > ARIMA_MAX_POINTS) throw new RangeError(`arima takes at most ${ARIMA_MAX_POINTS} points`);
  // The package forward-fills NaN except at the ends; gaps must be filled before this point.
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError('arima input must be finite');
  }
  if (order.p < 0 || order.d < 0 || order.q < 0) throw new RangeError('arima order must be non-negative');
  // The package copies the values into a plain array of its own (load.js prepare()), so no copy here.
  return values;
}

function withModel<T>(
  values: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  optimizer: ArimaOptimizer,
  use: (rt: Runtime, model: ArimaInstance, series: ArrayLike<number>) => T,
): T {
  const series = checkInput(values, order);
  const rt = load();
  const model = new rt.ARIMA({ p: order.p, d: order.d, q: order.q, method, optimizer, verbose: false });
  try {
    model.train(series);
    return use(rt, model, series);
  } catch (error) {
    // A trap can leave ctsa's heap half-written; the next fit gets a fresh instance.
    runtime = undefined;
    throw error;
  } finally {
    try {
      model.destroy();
    } catch {
      runtime = undefined;
    }
  }
}

/**
 * ctsa's optimisers (its optimc library's numbering) that fits use. L-BFGS is the package's default and every
 * fit's unless asked otherwise; BFGS is what the order search asks for on a series whose differences have
 * breaks (arima-order.ts, searchOptimizer): there L-BFGS spent 2-4 times as long on the same coefficients.
 */
export const ArimaOptimizer = { Lbfgs: 6, Bfgs: 5 } as const;
export type ArimaOptimizer = (typeof ArimaOptimizer)[keyof typeof ArimaOptimizer];
const NO_EXOG = new Uint8Array(0);

/** The package's own guard against series too short for ctsa (it traps on them), with its message. */
function checkLength(values: ArrayLike<number>, order: ArimaOrder): void {
  const minLength = order.d + Math.max(order.p + order.q, 10);
  if (values.length < minLength) {
    throw new Error(`Series too short (${values.length} values). Minimum length for these parameters is ${minLength}`);
  }
}

/** ctsa's fit of a checked series; returns the handle of its model, which the caller frees. */
function callFit(
  rt: Runtime,
  values: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  optimizer: ArimaOptimizer,
): number {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  // fit_sarimax(series, exog, p, d, q, P, D, Q, s, exog columns, length, method, optimizer, verbose)
  return rt.fitSarimax(
    bytes,
    NO_EXOG,
    order.p,
    order.d,
    order.q,
    0,
    0,
    0,
    0,
    0,
    values.length,
    method,
    optimizer,
    false,
  );
}

/** Fits a non-seasonal ARIMA and returns its coefficients; the WASM model is freed before returning. */
export function fitArima(
  values: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  optimizer: ArimaOptimizer = ArimaOptimizer.Lbfgs,
): ArimaCoefficients {
  checkInput(values, order);
  checkLength(values, order);
  const rt = load();
  let handle = 0;
  try {
    handle = callFit(rt, values, order, method, optimizer);
    return readCoefficients(rt.module, handle, order, values.length);
  } catch (error) {
    // A trap can leave ctsa's heap half-written; the next fit gets a fresh instance.
    runtime = undefined;
    throw error;
  } finally {
    if (handle !== 0 && runtime) {
      try {
        rt.freeSarimax(handle);
      } catch {
        runtime = undefined;
      }
    }
  }
}

/**
 * Fits over an instance of its own of `wasm` that return every byte ctsa leaves for a fit: the model struct and,
 * behind it, the block of coefficients, mean, residuals and covariance matrix (ctsa-patch.test.ts compares two
 * builds of the package's WASM with it).
 */
export function fitImages(
  wasm: Uint8Array,
): (values: ArrayLike<number>, order: ArimaOrder, method: ArimaMethod, optimizer: ArimaOptimizer) => Uint8Array {
  const rt = instantiate(wasm);
  return (values, order, method, optimizer) => {
    checkInput(values, order);
    checkLength(values, order);
    const handle = callFit(rt, values, order, method, optimizer);
    try {
      const struct = rt.module.HEAP32[handle >> 2]!;
      // sarimax_init: one allocation, the struct and then its params: p + q + mean + N - d values, ncoeff^2 covariances.
      const params = rt.module.HEAP32[(struct + OFF.phi) >> 2]!;
      const mean = order.d === 0 ? 1 : 0;
      const coefficients = order.p + order.q + mean;
      const doubles = coefficients + values.length - order.d + coefficients * coefficients;
      return Uint8Array.from(new Uint8Array(rt.module.HEAPF64.buffer, struct, params - struct + 8 * doubles));
    } finally {
      rt.freeSarimax(handle);
    }
  };
}

/** The package's own forecast (Kalman filter, AS 182), used as the reference for our predictor. */
export function arimaPackageForecast(
  values: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  horizon: number,
  optimizer: ArimaOptimizer = ArimaOptimizer.Lbfgs,
): { coefficients: ArimaCoefficients; mean: number[]; mse: number[] } {
  return withModel(values, order, method, optimizer, (rt, model, series) => {
    const coefficients = readCoefficients(rt.module, model.model ?? 0, order, series.length);
    const [mean, mse] = model.predict(horizon);
    return { coefficients, mean, mse };
  });
}
