import { createHash } from 'node:crypto';
import { arma } from './__fixtures__/simulate.js';
import { ArimaMethod, ArimaOptimizer, fitImages, packageWasm, type ArimaOrder } from './arima-wasm.js';
import { CTSA_WASM_SHA256, withoutChiinv } from './ctsa-patch.js';

describe("ctsa without chiinv (the regression summary's variance limits)", () => {
  it('patches the WASM the installed arima package ships (a package update must be checked again)', () => {
    const shipped = packageWasm();
    expect(createHash('sha256').update(shipped).digest('hex')).toBe(CTSA_WASM_SHA256);
    const { bytes, patched } = withoutChiinv(shipped);
    expect(patched).toBe(true);
    expect(bytes.length).toBe(shipped.length);
  });

  it('leaves any other binary as it is', () => {
    const other = Uint8Array.from(packageWasm());
    const last = other.length - 1;
    other[last] = other[last]! ^ 1;
    expect(withoutChiinv(other)).toEqual({ bytes: other, patched: false });
  });

  // Every byte ctsa leaves for a fit (model struct, coefficients, mean, residuals, covariance), the shipped binary
  // against the patched one: undifferenced orders (each estimates its mean by the regression), differenced ones,
  // CSS and exact ML, both optimisers, series of 20 to 1,500 points with levels and scales far from 0 and 1.
  const shipped = fitImages(packageWasm());
  const patched = fitImages(withoutChiinv(packageWasm()).bytes);
  const orders: ArimaOrder[] = [
    { p: 1, d: 0, q: 0 },
    { p: 0, d: 0, q: 1 },
    { p: 2, d: 0, q: 2 },
    { p: 1, d: 0, q: 3 },
    { p: 3, d: 0, q: 0 },
    { p: 1, d: 1, q: 1 },
    { p: 0, d: 1, q: 2 },
  ];
  const series = [
    { n: 20, seed: 1, phi: 0.5, theta: 0, level: 3, scale: 1 },
    { n: 100, seed: 2, phi: -0.4, theta: 0.6, level: -250, scale: 40 },
    { n: 500, seed: 3, phi: 0.9, theta: -0.3, level: 0, scale: 0.01 },
    { n: 500, seed: 4, phi: 0, theta: 0.8, level: 1e4, scale: 300 },
    { n: 1500, seed: 5, phi: 0.3, theta: 0.2, level: 12, scale: 2 },
  ];
  const cases = series.flatMap((s) =>
    orders.flatMap((order) =>
      [
        [ArimaMethod.Css, ArimaOptimizer.Lbfgs],
        [ArimaMethod.Css, ArimaOptimizer.Bfgs],
        ...(s.n <= 500 ? [[ArimaMethod.Ml, ArimaOptimizer.Lbfgs]] : []),
      ].map(([method, optimizer]) => [s, order, method!, optimizer!] as const),
    ),
  );
  it.each(cases)(
    'fits as the shipped binary does, to the byte (%o, %o, method %s, optimizer %s)',
    (s, order, method, optimizer) => {
      const y = arma(s.n, s.seed, { phi: s.phi, theta: s.theta, mean: 0 }).map((e) => s.level + s.scale * e);
      const a = shipped(y, order, method as ArimaMethod, optimizer as ArimaOptimizer);
      const b = patched(y, order, method as ArimaMethod, optimizer as ArimaOptimizer);
      expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    },
  );
});
